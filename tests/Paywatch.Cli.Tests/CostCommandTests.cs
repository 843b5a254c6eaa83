using System.Text.Json;

namespace Paywatch.Cli.Tests;

/// <summary><c>paywatch cost</c>: the table, JSON, and the capacity warnings AWS's quotas call for.</summary>
public sealed class CostCommandTests
{
    private static async Task<JsonElement> CostJsonAsync(params string[] args)
    {
        var result = await CliRunner.RunAsync(string.Empty, ["cost", "--output", "json", .. args]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    private static List<string> WarningIds(JsonElement report) =>
        [.. report.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("id").GetString()!)];

    [Fact]
    public async Task The_table_prices_every_line_with_the_repository_defaults()
    {
        var result = await CliRunner.RunAsync(string.Empty, "cost", "--tps", "100", "--sample-minutes", "2");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("5 shards, Lambda x86_64 512 MB, batch 100", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Kinesis Data Streams", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("total: $", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("dominant:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_region_it_prices_the_twins_and_each_row_names_its_component_once()
    {
        var result = await CliRunner.RunAsync(string.Empty, "cost", "--tps", "100", "--sample-minutes", "1");

        Assert.True(result.ExitCode == 0, result.Stderr);
        // infra/variables.tf has no default aws_region; the twin runs as us-east-1 (its ARNs, its "on AWS" line).
        Assert.Contains(" on us-east-1, prices of ", result.Stdout, StringComparison.Ordinal);
        var rows = result.Lines.SkipWhile(l => !l.StartsWith("component", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("total:", StringComparison.Ordinal)).ToList();
        var components = rows.Select(r => r[..r.IndexOf("  ", StringComparison.Ordinal)]).ToList();
        Assert.Contains("CloudWatch Logs: log data ingested (standard class; EMF included)", components);
        Assert.Equal(components.Count, components.Distinct(StringComparer.Ordinal).Count());
        Assert.All(components, c => Assert.Contains(": ", c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_has_every_line_and_a_total_that_adds_up()
    {
        var report = await CostJsonAsync("--tps", "100", "--sample-minutes", "2", "--region", "us-east-1");

        var lines = report.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(23, lines.Count);
        Assert.Equal(report.GetProperty("total_usd").GetDouble(), lines.Sum(l => l.GetProperty("monthly_usd").GetDouble()), 1);
        // 5 shards x 730 h x $0.015 = $54.75 in us-east-1, whatever the traffic
        Assert.Equal(54.75, lines.Single(l => l.GetProperty("price").GetString() == "kinesis.shard_hours").GetProperty("monthly_usd").GetDouble(), 4);
        // 100 tx/s fits 5 shards and the email limit on average; only the window-opening bursts of alerts may exceed it.
        // (lambda.lanes_busy is modelled from the processor's duration measured on this machine, which a shared test
        // machine under load cannot hold steady: CapacityWarningsTests checks it on fixed footprints.)
        Assert.All(WarningIds(report).Where(id => id != "lambda.lanes_busy"), id => Assert.Equal("sns.email_messages_per_second.burst", id));
    }

    [Fact]
    public async Task Ten_thousand_transactions_a_second_overflow_five_shards()
    {
        var report = await CostJsonAsync("--tps", "10000", "--sample-minutes", "0.2", "--max-records", "20000");

        Assert.Contains("kinesis.shard_records_per_second", WarningIds(report));
    }

    [Fact]
    public async Task Raising_alerts_per_window_on_a_fraud_flood_still_keeps_to_the_email_subscription_s_ten_a_second()
    {
        // The budget is paced: ten lanes (5 shards × 2) may each send one alert a second (docs/alerting.md), whatever
        // the window's budget.
        var report = await CostJsonAsync("--tps", "200", "--mix", "fraud=1", "--var", "alerts_per_window=10000", "--sample-minutes", "1");

        Assert.DoesNotContain("sns.email_messages_per_second", WarningIds(report));
        Assert.DoesNotContain("sns.email_messages_per_second.burst", WarningIds(report));
    }

    [Fact]
    public async Task A_tiny_window_on_a_broken_producer_overruns_the_email_subscription()
    {
        var report = await CostJsonAsync("--tps", "500", "--mix", "invalid=1", "--var", "tumbling_window_seconds=1", "--sample-minutes", "1");

        Assert.Contains("sns.email_messages_per_second", WarningIds(report));
    }

    [Fact]
    public async Task The_default_alert_budget_keeps_a_fraud_flood_under_the_email_limit_on_average()
    {
        var report = await CostJsonAsync("--tps", "200", "--mix", "fraud=1", "--sample-minutes", "10", "--max-records", "30000");

        Assert.DoesNotContain("sns.email_messages_per_second", WarningIds(report));
    }

    [Fact]
    public async Task Trace_mode_transaction_records_a_trace_per_transaction()
    {
        var invocation = await CostJsonAsync("--tps", "100", "--sample-minutes", "1");
        var transaction = await CostJsonAsync("--tps", "100", "--sample-minutes", "1", "--var", "trace_mode=transaction");
        var off = await CostJsonAsync("--tps", "100", "--sample-minutes", "1", "--var", "trace_mode=off");

        var traces = (JsonElement r) => r.GetProperty("footprint").GetProperty("traces").GetInt64();
        Assert.Equal(invocation.GetProperty("footprint").GetProperty("invocations").GetInt64(), traces(invocation));
        Assert.True(traces(transaction) >= transaction.GetProperty("footprint").GetProperty("simulated_records").GetInt64());
        Assert.Equal(0, traces(off));
    }

    [Fact]
    public async Task A_recorded_file_is_replayed_at_the_rate()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(path, Enumerable.Range(0, 1_000).Select(i =>
                $$"""{"transaction_id":"txn-{{i}}","amount":{{(i % 50 == 0 ? 15000 : 20)}},"currency":"USD","type":"PURCHASE","merchant_id":"m-1","merchant_country":"US","card_id":"card_{{i % 300}}"}"""));

            var report = await CostJsonAsync("--file", path, "--tps", "100");

            Assert.Equal(1_000, report.GetProperty("footprint").GetProperty("records").GetInt64());
            Assert.Equal(10, report.GetProperty("footprint").GetProperty("sample_seconds").GetDouble(), 6);
            // Every 50th is high-value (20). In these 10 s of the window's first minute only shard 0's two lanes hold a token
            // of the default budget (10 over 5 shards × 2: shard k's comes k/5 of the way in), so at most 2 are alerted.
            Assert.InRange(report.GetProperty("footprint").GetProperty("notifications_by_rule").GetProperty("paywatch-high-value").GetInt64(), 0, 2);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_bad_option_exits_2_with_a_message()
    {
        var result = await CliRunner.RunAsync(string.Empty, "cost", "--region", "mars-north-1", "--sample-minutes", "0.1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("mars-north-1", result.Stderr, StringComparison.Ordinal);
    }
}
