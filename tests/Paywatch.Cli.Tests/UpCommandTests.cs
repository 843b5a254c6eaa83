namespace Paywatch.Cli.Tests;

/// <summary><c>paywatch up</c>'s options that are checked before a twin starts.</summary>
public sealed class UpCommandTests
{
    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("paywatch.internal:4600")]
    [InlineData("two words")]
    public async Task An_allowed_host_with_a_scheme_port_or_space_is_refused_before_anything_starts(string host)
    {
        var result = await CliRunner.RunAsync("", "up", "--port", "0", "--allow-host", host);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--allow-host takes a host name or address", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_cap_below_one_MiB_is_refused()
    {
        var result = await CliRunner.RunAsync("", "up", "--port", "0", "--log-max-mib", "0");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--log-max-mib must be at least 1", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A data folder the twin cannot open is a message naming the file and exit 2, not a crash loop of stack traces.</summary>
    [Fact]
    public async Task A_stream_json_past_rebuilding_is_refused_with_the_file_named_exit_2_and_no_stack_trace()
    {
        var data = Path.Combine(Path.GetTempPath(), "paywatch-up-" + Guid.NewGuid().ToString("N"));
        var stream = Path.Combine(data, "streams", "transaction-stream-local");
        Directory.CreateDirectory(stream);
        await File.WriteAllTextAsync(Path.Combine(stream, "stream.json"), "{ not json");
        try
        {
            var result = await CliRunner.RunAsync("", "up", "--port", "0", "--data", data);

            Assert.Equal(2, result.ExitCode);
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"paywatch up: cannot start: {Path.Combine(stream, "stream.json")} is unreadable", line, StringComparison.Ordinal);
            Assert.Contains("no shard folders beside it to rebuild it from", line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task An_unknown_trace_mode_is_refused_before_anything_starts_with_the_modes_it_takes()
    {
        var result = await CliRunner.RunAsync("", "up", "--trace-mode", "sometimes", "--port", "0", "--data", Path.Combine(Path.GetTempPath(), "paywatch-up-" + Guid.NewGuid().ToString("N")));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("paywatch up: --trace-mode must be invocation, transaction or off, not 'sometimes'.", result.Stderr, StringComparison.Ordinal);
    }
}
