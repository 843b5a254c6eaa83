namespace Paywatch.Cli.Tests;

public sealed class QueryCommandTests
{
    private const string Logs = """
        {"time":"2026-11-26T08:00:01Z","level":"INFO","message":"transaction processed","type":"PURCHASE","amount":10,"latency_ms":3}
        {"time":"2026-11-26T08:00:02Z","level":"WARN","message":"transaction processed","type":"REFUND","amount":5,"latency_ms":7}
        {"time":"2026-11-26T08:06:00Z","level":"INFO","message":"transaction processed","type":"PURCHASE","amount":2.5,"latency_ms":4}
        not json at all
        """;

    [Fact]
    public async Task Prints_a_table_from_stdin()
    {
        var result = await CliRunner.RunAsync(Logs, "query", "filter ispresent(type) | stats count(*) as n, sum(amount) as total by type | sort n desc");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "type      n  total",
                "--------  -  -----",
                "PURCHASE  2  12.5",
                "REFUND    1  5",
            ],
            result.Lines);
    }

    [Fact]
    public async Task Prints_json_lines_from_a_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Logs);
            var result = await CliRunner.RunAsync("", "query", "--log-file", file, "--output", "json", "filter ispresent(latency_ms) | stats max(latency_ms) as worst by bin(5m)");

            Assert.Equal(0, result.ExitCode);
            Assert.Equal(
                [
                    """{"bin(5m)":"2026-11-26 08:00:00.000","worst":7}""",
                    """{"bin(5m)":"2026-11-26 08:05:00.000","worst":4}""",
                ],
                result.Lines);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Start_and_end_limit_the_events()
    {
        var result = await CliRunner.RunAsync(
            Logs, "query", "--output", "json", "--start", "2026-11-26T08:00:02Z", "--end", "2026-11-26T08:10:00Z", "fields type | sort type asc");

        Assert.Equal(["PURCHASE", "REFUND"], result.JsonLines.Select(j => j.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task An_invalid_query_is_reported_on_stderr_with_exit_code_2()
    {
        var result = await CliRunner.RunAsync(Logs, "query", "filter type = ");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("Query is not valid: unexpected end of query at 15", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The twin's log group is a folder of hourly segments (docs/local-twin.md, log retention).</summary>
    [Fact]
    public async Task A_folder_is_read_as_its_jsonl_files_and_nothing_else()
    {
        var folder = Directory.CreateTempSubdirectory("paywatch-query-").FullName;
        try
        {
            var lines = Logs.Split('\n');
            File.WriteAllText(Path.Combine(folder, "2026-11-26T08-06-00.000Z.jsonl"), lines[2] + "\n");
            File.WriteAllText(Path.Combine(folder, "2026-11-26T08-00-01.000Z.jsonl"), lines[0] + "\n" + lines[1] + "\n");
            File.WriteAllText(Path.Combine(folder, "notes.txt"), """{"time":"2026-11-26T08:07:00Z","amount":99}""" + "\n");

            var result = await CliRunner.RunAsync("", "query", "--log-file", folder, "--output", "json", "fields amount");

            Assert.Equal(0, result.ExitCode);
            // Newest first, as Logs Insights returns events without a sort.
            Assert.Equal(["""{"amount":2.5}""", """{"amount":5}""", """{"amount":10}"""], result.Lines);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_log_file_is_invalid_input()
    {
        var result = await CliRunner.RunAsync("", "query", "--log-file", "/nonexistent/file.log", "fields @message");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no such file", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_start_time_is_invalid_input()
    {
        var result = await CliRunner.RunAsync(Logs, "query", "--start", "yesterday", "fields @message");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--start 'yesterday' is not a time", result.Stderr, StringComparison.Ordinal);
    }
}
