namespace Paywatch.Cli.Tests;

/// <summary><c>paywatch up</c>'s options that are checked before a twin starts.</summary>
public sealed class UpCommandTests
{
    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("paywatch.internal:4566")]
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

    [Fact]
    public async Task An_unknown_trace_mode_is_refused_before_anything_starts_with_the_modes_it_takes()
    {
        var result = await CliRunner.RunAsync("", "up", "--trace-mode", "sometimes", "--port", "0", "--data", Path.Combine(Path.GetTempPath(), "paywatch-up-" + Guid.NewGuid().ToString("N")));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("paywatch up: --trace-mode must be invocation, transaction or off, not 'sometimes'.", result.Stderr, StringComparison.Ordinal);
    }
}
