using System.Text;
using System.Text.Json;

namespace Paywatch.Cli.Tests;

/// <summary>Runs the command line in-process with captured streams.</summary>
internal static class CliRunner
{
    public static async Task<CliResult> RunAsync(string stdin, params string[] args) =>
        await RunAsync(Encoding.UTF8.GetBytes(stdin), args);

    public static async Task<CliResult> RunAsync(byte[] stdin, params string[] args)
    {
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var exitCode = await PaywatchCommand.InvokeAsync(args, new CliConsole(new MemoryStream(stdin), output, error));
        return new CliResult(exitCode, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public List<string> Lines => [.. Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    public List<JsonElement> JsonLines => [.. Lines.Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}
