using System.Text;
using System.Text.Json;

namespace Paywatch.Cli.Tests;

public sealed class ProcessCommandTests
{
    // The three sample records of the spec's "Generate Test Transactions" section, as JSON lines.
    private const string SpecSamples = """
        {"transaction_id":"txn-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","transaction_count":1}
        {"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1}
        {"transaction_id":"txn-003","amount":-100,"type":"PURCHASE"}
        """;

    [Fact]
    public async Task The_spec_samples_come_out_approved_approved_and_failed()
    {
        var result = await CliRunner.RunAsync(SpecSamples, "process");

        Assert.Equal(0, result.ExitCode);
        var lines = result.JsonLines;
        Assert.Equal(["txn-001", "txn-002", "txn-003"], lines.Select(l => l.GetProperty("transaction_id").GetString()));
        Assert.Equal(["APPROVED", "APPROVED", "FAILED"], lines.Select(l => l.GetProperty("status").GetString()));
        Assert.Contains("HIGH_AMOUNT", lines[1].GetProperty("risk_reasons").EnumerateArray().Select(r => r.GetString()));
        var errors = lines[2].GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString() + ":" + e.GetProperty("field").GetString());
        Assert.Equal(["MISSING_FIELD:merchant_id", "MISSING_FIELD:merchant_country", "AMOUNT_NOT_POSITIVE:amount"], errors);
        // The spec's routing: txn-002 is high-value only, txn-003 failed; txn-001 matches no rule, so it is not sent.
        Assert.Equal([[], ["paywatch-high-value"], ["paywatch-failed"]], lines.Select(l => l.GetProperty("matched_rules").EnumerateArray().Select(r => r.GetString()!).ToArray()));
        Assert.Equal([false, true, true], lines.Select(l => l.GetProperty("published").GetBoolean()));
        Assert.Contains("processed 3 transactions", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("2 approved, 1 failed, 0 error", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("1 high-value", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_all_sends_every_entry_and_still_names_the_matched_rules()
    {
        var lines = (await CliRunner.RunAsync(SpecSamples, "process", "--publish", "all")).JsonLines;

        Assert.All(lines, l => Assert.True(l.GetProperty("published").GetBoolean()));
        Assert.Equal("paywatch-high-value", Assert.Single(lines[1].GetProperty("matched_rules").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task A_rules_directory_replaces_the_built_in_rules()
    {
        using var rules = new RuleDirectory("us.json", """{"Name": "us-merchants", "EventPattern": {"detail": {"merchant_country": ["US"]}}}""");
        var lines = (await CliRunner.RunAsync(SpecSamples, "process", "--rules", rules.Path)).JsonLines;

        Assert.Equal([1, 1, 0], lines.Select(l => l.GetProperty("matched_rules").GetArrayLength()));
    }

    [Fact]
    public async Task A_rule_on_a_field_only_EventBridge_sets_is_refused_before_processing()
    {
        using var rules = new RuleDirectory("account.json", """{"Name": "one-account", "EventPattern": {"account": ["123456789012"]}}""");
        var result = await CliRunner.RunAsync(SpecSamples, "process", "--rules", rules.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'account'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_output_line_carries_what_the_issue_lists()
    {
        var line = Assert.Single((await CliRunner.RunAsync(SpecSamples.Split('\n')[0], "process")).JsonLines);

        foreach (var field in new[] { "transaction_id", "status", "risk_score", "transaction_count", "published" })
        {
            Assert.True(line.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task Generated_traffic_is_processed_in_batches_with_velocity_carried_across_them()
    {
        var result = await CliRunner.RunAsync("", "process", "--generate", "2000", "--seed", "5", "--batch-size", "50");

        Assert.Equal(0, result.ExitCode);
        var lines = result.JsonLines;
        Assert.Equal(2000, lines.Count);
        Assert.Contains(lines, l => l.TryGetProperty("transaction_count", out var c) && c.GetInt32() > 20);
        Assert.Contains(lines, l => l.GetProperty("status").GetString() == "ERROR");
        Assert.Contains(lines, l => l.GetProperty("status").GetString() == "FAILED");
        Assert.Contains("processed 2,000 transactions", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_utf8_and_garbage_lines_are_error_outcomes_not_crashes()
    {
        var input = Encoding.UTF8.GetBytes("{\"transaction_id\":\"t\"}\n").Concat(new byte[] { 0xFF, 0xFE, (byte)'{', (byte)'\n' })
            .Concat(Encoding.UTF8.GetBytes("\n   \nnot json at all\n")).ToArray();

        var result = await CliRunner.RunAsync(input, "process");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["FAILED", "ERROR", "ERROR"], result.JsonLines.Select(l => l.GetProperty("status").GetString()));
        Assert.Equal("INVALID_UTF8", result.JsonLines[1].GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task A_lambda_kinesis_event_is_processed_and_its_response_reported()
    {
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes(SpecSamples.Split('\n')[1]));
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, $$"""
            {"Records":[{"kinesis":{"partitionKey":"test-2","sequenceNumber":"49590338271490256608559692538361571095921575989136588898","data":"{{data}}","approximateArrivalTimestamp":1607497475.000},"eventSource":"aws:kinesis"}],
             "window":{"start":"2020-12-09T07:04:00Z","end":"2020-12-09T07:06:00Z"},"state":{},"shardId":"shardId-000000000006","isFinalInvokeForWindow":false}
            """);
        try
        {
            var result = await CliRunner.RunAsync("", "process", "--event", path);

            Assert.Equal(0, result.ExitCode);
            var line = Assert.Single(result.JsonLines);
            Assert.Equal("txn-002", line.GetProperty("transaction_id").GetString());
            Assert.Equal("shardId-000000000006", line.GetProperty("shard_id").GetString());
            Assert.Contains("response {\"batchItemFailures\":[],\"state\":{", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Metrics_can_be_written_as_emf_lines()
    {
        var path = Path.GetTempFileName();
        try
        {
            var result = await CliRunner.RunAsync(SpecSamples, "process", "--metrics", path);

            Assert.Equal(0, result.ExitCode);
            var documents = (await File.ReadAllLinesAsync(path)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.NotEmpty(documents);
            Assert.All(documents, d => Assert.Equal("Paywatch/Transactions",
                d.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Standard_countries_can_be_configured()
    {
        var line = """{"transaction_id":"t","amount":5,"type":"PURCHASE","merchant_id":"m","merchant_country":"NG"}""";

        var defaults = await CliRunner.RunAsync(line, "process");
        var configured = await CliRunner.RunAsync(line, "process", "--standard-countries", "NG,US");

        Assert.Equal(30, Assert.Single(defaults.JsonLines).GetProperty("risk_score").GetInt32());
        Assert.Equal(0, Assert.Single(configured.JsonLines).GetProperty("risk_score").GetInt32());
    }

    [Theory]
    [InlineData("process", "/no/such/file.jsonl")]
    [InlineData("process", "--event", "/no/such/event.json")]
    [InlineData("process", "--standard-countries", "UK")]
    [InlineData("process", "--batch-size", "0")]
    [InlineData("process", "--environment", "prød")]
    public async Task Bad_input_fails_with_a_clear_message(params string[] args)
    {
        var result = await CliRunner.RunAsync("", args);

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Stderr));
    }

    [Fact]
    public async Task A_payload_that_is_not_a_kinesis_event_exits_2_with_the_reason()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, """{"detail-type":"Scheduled Event"}""");
        try
        {
            var result = await CliRunner.RunAsync("", "process", "--event", path);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("Records", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
