using System.Net;
using System.Net.Sockets;

namespace Paywatch.Cli.Tests;

/// <summary>
/// Every bad flag value and unusable path: one line naming the flag and the problem (first on stderr, the verb's help
/// after it, nothing on stdout), exit code 2, and nothing created.
/// </summary>
[Collection(nameof(ProcessEnvironmentTests))]
public sealed class BadFlagTests : IDisposable
{
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("paywatch-bad-flag-");

    public void Dispose() => _scratch.Delete(recursive: true);

    public static TheoryData<string[], string> Cases => new()
    {
        { ["up", "--port", "99999"], "paywatch up: --port must be a port from 0 to 65535 (0: any free port), not 99999." },
        { ["up", "--port", "-1"], "paywatch up: --port must be a port from 0 to 65535 (0: any free port), not -1." },
        { ["up", "--port", "abc"], "paywatch up: Cannot parse argument 'abc' for option '--port'" },
        { ["up", "--data", "{file}"], "paywatch up: --data: '{file}' is a file, not a folder." },
        { ["up", "--data", "{file}/below"], "paywatch up: --data: cannot create '{file}/below': '{file}' is a file, not a folder." },
        { ["up", "--notify-email", "ops@example.com", "--smtp", "mail.example.com:abc"], "paywatch up: --smtp takes host[:port] with a port from 1 to 65535, not 'mail.example.com:abc'." },
        { ["up", "--notify-email", "ops@example.com", "--smtp", "mail.example.com:0"], "paywatch up: --smtp takes host[:port] with a port from 1 to 65535, not 'mail.example.com:0'." },
        { ["up", "--trace-mode", "bogus"], "paywatch up: --trace-mode must be invocation, transaction or off, not 'bogus'." },
        { ["up", "--config", "{missing}"], "paywatch up: --config: no such folder '{missing}'." },
        { ["up", "--config", "{file}"], "paywatch up: --config: '{file}' is a file, not a folder." },
        { ["up", "--demo", "0"], "paywatch up: --demo takes a positive number of transactions per second." },
        { ["up", "--log-max-mib", "0"], "paywatch up: --log-max-mib must be at least 1, not 0." },
        { ["up", "--stream-max-mib", "0"], "paywatch up: --stream-max-mib must be at least 1, not 0." },
        { ["up", "--no-such-flag"], "paywatch up: Unrecognized command or argument '--no-such-flag'." },
        { ["generate", "--count", "-1"], "paywatch generate: --count must be at least 0, not -1." },
        { ["generate", "--count", "many"], "paywatch generate: Cannot parse argument 'many' for option '--count'" },
        { ["up", "--alerts-per-window", "10001"], "paywatch up: --alerts-per-window must be from 0 to 10000, not 10001." },
        { ["generate", "--start", "yesterday"], "paywatch generate: " },
        { ["process", "--event", "{missing}"], "paywatch process: --event: no such file '{missing}'." },
        { ["process", "--event", "{scratch}"], "paywatch process: --event: '{scratch}' is a folder, not a file." },
        { ["process", "--batch-size", "0"], "paywatch process: --batch-size must be between 1 and 10000" },
        { ["rules", "test", "--cases", "{missing}"], "paywatch test: --cases: no such file '{missing}'." },
        { ["rules", "check", "--rules", "{missing}"], "paywatch check: --rules: no such folder '{missing}'." },
        { ["alarms", "replay", "--alarm", "{missing}", "--data", "{file}"], "paywatch replay: --alarm: no such file '{missing}'." },
        { ["send", "--endpoint", "ftp://example.com", "--count", "1"], "paywatch send: --endpoint must be an absolute http(s) URL, not 'ftp://example.com'." },
        { ["send", "--rate", "-5"], "paywatch send: --rate must be zero or more." },
        { ["send", "--duration", "10 minutes"], "paywatch send: --duration must be a number followed by s, m or h (e.g. 30s), not '10 minutes'." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_value_is_one_line_naming_the_flag_then_help_on_stderr_exit_2_and_nothing_created(string[] args, string firstLine)
    {
        var file = Path.Combine(_scratch.FullName, "a-file");
        File.WriteAllText(file, "not a folder");
        string Fill(string text) => text.Replace("{file}", file, StringComparison.Ordinal)
            .Replace("{missing}", Path.Combine(_scratch.FullName, "missing"), StringComparison.Ordinal)
            .Replace("{scratch}", _scratch.FullName, StringComparison.Ordinal);
        var before = Directory.GetFileSystemEntries(_scratch.FullName, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        // --data is given for 'up' unless the case is about it, so that the default .paywatch folder is never in play.
        var fullArgs = args[0] == "up" && !args.Contains("--data") ? [.. args, "--data", Path.Combine(_scratch.FullName, "data")] : args;
        var result = await CliRunner.RunAsync("", [.. fullArgs.Select(Fill)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var stderr = result.Stderr.Split('\n');
        Assert.StartsWith(Fill(firstLine), stderr[0], StringComparison.Ordinal);
        Assert.Contains("Usage:", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFileSystemEntries(_scratch.FullName, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task An_unparsable_PAYWATCH_PORT_names_the_variable()
    {
        var result = await WithEnvironmentAsync(new() { ["PAYWATCH_PORT"] = "http" }, () => CliRunner.RunAsync("", "up", "--data", Path.Combine(_scratch.FullName, "data")));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("paywatch up: PAYWATCH_PORT must be a whole number, not 'http'.", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_scratch.FullName));
    }

    [Fact]
    public async Task Send_to_a_port_where_nothing_listens_says_it_cannot_connect()
    {
        var result = await CliRunner.RunAsync("", "send", "--endpoint", $"http://127.0.0.1:{FreePort()}", "--count", "3", "--rate", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("3 failed", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("failed because: NetworkError: cannot connect: Connection refused", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_to_a_host_without_DNS_says_the_lookup_failed()
    {
        // .invalid never resolves (RFC 6761 section 6.4).
        var result = await WithEnvironmentAsync(
            new() { ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "example" },
            () => CliRunner.RunAsync("", "send", "--endpoint", "http://paywatch.invalid:4600", "--count", "1", "--rate", "0"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("failed because: NetworkError: DNS lookup failed", result.Stderr, StringComparison.Ordinal);
    }

    // Variables are read at parse time; xunit runs the tests of one class one at a time.
    private static async Task<CliResult> WithEnvironmentAsync(Dictionary<string, string> variables, Func<Task<CliResult>> run)
    {
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        try
        {
            return await run();
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
