using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Streams;
using Paywatch.Monitoring;

namespace Paywatch.Local.Tests.Twin;

/// <summary>The endpoint of a whole twin, as <c>paywatch up</c> composes it, read with the AWS CLI after real traffic.</summary>
public sealed class TwinApiTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Each saved query of config/queries, started with StartQuery over the function's log group, answers the rows
    /// the log store's own Logs Insights run answers (what the web UI and <c>paywatch query</c> run).
    /// </summary>
    [Fact]
    public async Task The_saved_queries_answer_through_the_Logs_API_as_the_log_store_answers_them()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        await twin.Stream.PutRecordsAsync([.. Enumerable.Range(1, 30).Select(i => new PutRecordEntry($"card-{i % 4}", Transaction(i)))]);
        await Eventually(() => ProcessedCount(twin) == 30);
        var start = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        var end = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();

        var config = new ConfigDirectory(RepositoryRoot.Config);
        foreach (var file in config.Queries)
        {
            var query = File.ReadAllText(config.PathOf(file));
            var started = await AwsCli.JsonAsync(
                twin.Api.Url, "logs", "start-query", "--log-group-name", twin.Settings.LogGroupName, "--query-string", query,
                "--start-time", start.ToString(CultureInfo.InvariantCulture), "--end-time", end.ToString(CultureInfo.InvariantCulture));
            var results = await AwsCli.JsonAsync(twin.Api.Url, "logs", "get-query-results", "--query-id", started.GetProperty("queryId").GetString()!);
            var expected = twin.Logs.Query(query, DateTimeOffset.FromUnixTimeSeconds(start), DateTimeOffset.FromUnixTimeSeconds(end + 1));

            var rows = results.GetProperty("results").EnumerateArray()
                .Select(row => row.EnumerateArray().Select(f => (f.GetProperty("field").GetString()!, f.GetProperty("value").GetString()!)).ToList())
                .ToList();
            var expectedRows = expected.Rows
                .Select(row => expected.Columns.Select((c, i) => (c, v: row[i])).Where(x => !x.v.IsNull).Select(x => (x.c, x.v.ToString())).ToList())
                .ToList();
            Assert.NotEmpty(expectedRows);
            Assert.Equal(expectedRows, rows);
        }

        // From the data put in: 30 purchases, six of them (every fifth, negative) failed.
        var types = twin.Logs.Query(File.ReadAllText(Path.Combine(RepositoryRoot.Config, "queries", "Transaction-Types.query")));
        Assert.Equal("30", types.Value(0, "transactions").ToString());
        var errors = twin.Logs.Query(File.ReadAllText(Path.Combine(RepositoryRoot.Config, "queries", "Error-Analysis.query")));
        Assert.Equal("FAILED", errors.Value(0, "status").ToString());
        Assert.Equal("6", errors.Value(0, "occurrences").ToString());
    }

    /// <summary>The services the twin registers beside the original four: CloudWatch Logs, SNS, and CloudWatch's dashboard.</summary>
    [Fact]
    public async Task The_twin_serves_its_log_group_topic_dashboard_and_query_definitions()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        await twin.Stream.PutRecordAsync(new PutRecordEntry("card-1", Transaction(1)));
        await Eventually(() => ProcessedCount(twin) == 1);

        var groups = await AwsCli.JsonAsync(twin.Api.Url, "logs", "describe-log-groups");
        var events = await AwsCli.JsonAsync(twin.Api.Url, "logs", "filter-log-events", "--log-group-name", twin.Settings.LogGroupName, "--filter-pattern", "\"transaction processed\" txn-001");
        var definitions = await AwsCli.JsonAsync(twin.Api.Url, "logs", "describe-query-definitions");
        var topics = await AwsCli.JsonAsync(twin.Api.Url, "sns", "list-topics");
        var dashboards = await AwsCli.JsonAsync(twin.Api.Url, "cloudwatch", "list-dashboards");
        var dashboard = await AwsCli.JsonAsync(twin.Api.Url, "cloudwatch", "get-dashboard", "--dashboard-name", "paywatch-local");
        var metrics = await AwsCli.JsonAsync(twin.Api.Url, "cloudwatch", "list-metrics", "--namespace", "AWS/Lambda", "--metric-name", "Invocations");

        Assert.Equal([twin.Settings.LogGroupName], groups.GetProperty("logGroups").EnumerateArray().Select(g => g.GetProperty("logGroupName").GetString()));
        var line = JsonDocument.Parse(Assert.Single(events.GetProperty("events").EnumerateArray()).GetProperty("message").GetString()!).RootElement;
        Assert.Equal("txn-001", line.GetProperty("transaction_id").GetString());
        Assert.Equal(4, definitions.GetProperty("queryDefinitions").GetArrayLength());
        Assert.Equal([twin.Settings.TopicArn], topics.GetProperty("Topics").EnumerateArray().Select(t => t.GetProperty("TopicArn").GetString()));
        Assert.Equal(["paywatch-local"], dashboards.GetProperty("DashboardEntries").EnumerateArray().Select(d => d.GetProperty("DashboardName").GetString()));
        Assert.Contains(twin.Settings.FunctionName, dashboard.GetProperty("DashboardBody").GetString()!, StringComparison.Ordinal);
        Assert.Equal(twin.Settings.FunctionName, metrics.GetProperty("Metrics")[0].GetProperty("Dimensions")[0].GetProperty("Value").GetString());
    }

    private static async Task<LocalTwin> StartAsync(TemporaryDirectory folder) =>
        await LocalTwin.StartAsync(new LocalTwinSettings { DataDirectory = folder.Path, Port = 0 }, RepositoryRoot.Config, [], TimeProvider.System);

    /// <summary>Transaction i: 10 EUR, or -10 (which the processor fails) for every fifth.</summary>
    private static byte[] Transaction(int i) => Encoding.UTF8.GetBytes(
        $$"""{"transaction_id":"txn-{{i:D3}}","amount":{{(i % 5 == 0 ? -10 : 10)}},"currency":"EUR","type":"PURCHASE","merchant_id":"m-1","merchant_country":"DE","card_id":"card_{{i % 4}}"}""");

    private static int ProcessedCount(LocalTwin twin) =>
        twin.Logs.ReadLines().Count(line => JsonDocument.Parse(line).RootElement.TryGetProperty("status", out _));

    private static async Task Eventually(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out");
            await Task.Delay(100);
        }
    }
}
