namespace Paywatch.Cli.Tests;

public sealed class UpCommandTests
{
    [Fact]
    public async Task An_unknown_trace_mode_is_refused_before_anything_starts_with_the_modes_it_takes()
    {
        var result = await CliRunner.RunAsync("", "up", "--trace-mode", "sometimes", "--port", "0", "--data", Path.Combine(Path.GetTempPath(), "paywatch-up-" + Guid.NewGuid().ToString("N")));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("PAYWATCH_TRACE_MODE must be 'invocation', 'transaction' or 'off', not 'sometimes'.", result.Stderr, StringComparison.Ordinal);
    }
}
