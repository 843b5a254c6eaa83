using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Api;
using Paywatch.Local.Telemetry;
using Paywatch.Monitoring;

namespace Paywatch.Local.Tests.Telemetry;

/// <summary>CloudWatch Logs (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/) over the log store, with the AWS CLI.</summary>
public sealed class CloudWatchLogsServiceTests : IAsyncLifetime
{
    private const string LogGroup = "/aws/lambda/transaction-processor-local";
    private const string Stream = CloudWatchLogsService.LogStreamName;
    private const int Transactions = 24;
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("paywatch-logs-api-").FullName;
    private readonly List<LogStore> _stores = [];
    private AwsApiServer _server = null!;

    private LogStore Logs => _stores[0];

    public async Task InitializeAsync()
    {
        // The lines are written when they happened, as the processor writes them: the store's segments follow its clock.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start.AddMinutes(10));
        _stores.Add(new LogStore(_folder, LogGroup, clock));
        _stores.Add(new LogStore(_folder, "/aws/lambda/other-b", clock));
        _stores.Add(new LogStore(_folder, "/aws/lambda/other-c", clock));
        var lines = new StringBuilder();
        for (var i = 0; i < Transactions; i++)
        {
            lines.Append(Line(i)).Append('\n');
        }

        lines.Append($$"""{"time":"{{Iso(Start.AddMinutes(9))}}","level":"INFO","message":"batch processed","records":24}""").Append('\n');
        Logs.Write(Encoding.UTF8.GetBytes(lines.ToString()));
        _server = await AwsApiServer.StartAsync(0, [new CloudWatchLogsService(_stores, RepositoryRoot.Config)]);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _stores.ForEach(s => s.Dispose());
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Transaction i: every fifth FAILED, every third a REFUND, amount 10 (i + 1), one every 20 s.</summary>
    private static string Line(int i)
    {
        var failed = i % 5 == 0;
        return $$"""{"time":"{{Iso(Start.AddSeconds(20 * i))}}","level":"INFO","message":"transaction processed","transaction_id":"txn-{{i:D3}}","status":"{{(failed ? "FAILED" : "APPROVED")}}",{{(failed ? "\"error_code\":\"INVALID_AMOUNT\"," : "")}}"type":"{{(i % 3 == 0 ? "REFUND" : "PURCHASE")}}","amount":{{10 * (i + 1)}},"latency_ms":{{i + 1}}}""";
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Each_saved_query_answers_through_StartQuery_what_the_log_store_answers()
    {
        var config = new ConfigDirectory(RepositoryRoot.Config);
        Assert.Equal(4, config.Queries.Count);
        foreach (var file in config.Queries)
        {
            var query = File.ReadAllText(config.PathOf(file));
            var started = await AwsCli.JsonAsync(
                _server.Url, "logs", "start-query", "--log-group-name", LogGroup, "--query-string", query,
                "--start-time", Start.AddHours(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                "--end-time", Start.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            var results = await AwsCli.JsonAsync(_server.Url, "logs", "get-query-results", "--query-id", started.GetProperty("queryId").GetString()!);

            var expected = Logs.Query(query, Start.AddHours(-1), Start.AddHours(1));
            Assert.Equal("Complete", results.GetProperty("status").GetString());
            Assert.NotEmpty(expected.Rows);
            var rows = results.GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(expected.Rows.Count, rows.Count);
            for (var r = 0; r < rows.Count; r++)
            {
                var expectedFields = expected.Columns.Select((c, i) => (c, v: expected.Rows[r][i])).Where(x => !x.v.IsNull).Select(x => (x.c, x.v.ToString()));
                Assert.Equal(expectedFields, rows[r].EnumerateArray().Select(f => (f.GetProperty("field").GetString()!, f.GetProperty("value").GetString()!)));
            }
        }
    }

    /// <summary>The spec's Transaction-Types question, answered from the data put in: 8 refunds (920), 16 purchases (2,080).</summary>
    [Fact]
    public async Task StartQuery_counts_the_transactions_by_type()
    {
        var query = File.ReadAllText(Path.Combine(RepositoryRoot.Config, "queries", "Transaction-Types.query"));
        var started = await AwsCli.JsonAsync(_server.Url, "logs", "start-query", "--log-group-name", LogGroup, "--query-string", query, "--start-time", "0", "--end-time", "4102444800");
        var results = await AwsCli.JsonAsync(_server.Url, "logs", "get-query-results", "--query-id", started.GetProperty("queryId").GetString()!);

        var rows = results.GetProperty("results").EnumerateArray()
            .Select(row => row.EnumerateArray().ToDictionary(f => f.GetProperty("field").GetString()!, f => f.GetProperty("value").GetString()!))
            .ToList();
        Assert.Equal(["PURCHASE", "REFUND"], rows.Select(r => r["type"]));
        Assert.Equal(["16", "8"], rows.Select(r => r["transactions"]));
        Assert.Equal(["2080", "920"], rows.Select(r => r["total_amount"]));
        Assert.Equal(Transactions + 1, results.GetProperty("statistics").GetProperty("recordsScanned").GetDouble());
    }

    [Fact]
    public async Task A_malformed_query_and_an_unknown_query_id_are_refused()
    {
        var (malformedExit, _, malformed) = await AwsCli.RunAsync(_server.Url, "logs", "start-query", "--log-group-name", LogGroup, "--query-string", "stats count(* by", "--start-time", "0", "--end-time", "10");
        var (unknownExit, _, unknown) = await AwsCli.RunAsync(_server.Url, "logs", "get-query-results", "--query-id", "00000000-0000-0000-0000-000000000000");
        var (groupExit, _, group) = await AwsCli.RunAsync(_server.Url, "logs", "start-query", "--log-group-name", "/no/such/group", "--query-string", "fields @message", "--start-time", "0", "--end-time", "10");

        Assert.NotEqual(0, malformedExit);
        Assert.Contains("MalformedQueryException", malformed, StringComparison.Ordinal);
        Assert.NotEqual(0, unknownExit);
        Assert.Contains("ResourceNotFoundException", unknown, StringComparison.Ordinal);
        Assert.NotEqual(0, groupExit);
        Assert.Contains("ResourceNotFoundException", group, StringComparison.Ordinal);
    }

    /// <summary>limit and nextToken: the CLI's --page-size sends limit and follows nextToken.</summary>
    [Fact]
    public async Task DescribeLogGroups_pages_with_limit_and_nextToken()
    {
        var all = await AwsCli.JsonAsync(_server.Url, "logs", "describe-log-groups", "--page-size", "1");
        var firstTwo = await AwsCli.JsonAsync(_server.Url, "logs", "describe-log-groups", "--page-size", "2", "--max-items", "2");
        var prefixed = await AwsCli.JsonAsync(_server.Url, "logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/other");

        // In name order, as DescribeLogGroups lists them.
        Assert.Equal(["/aws/lambda/other-b", "/aws/lambda/other-c", LogGroup], Names(all, "logGroups", "logGroupName"));
        Assert.Equal(2, firstTwo.GetProperty("logGroups").GetArrayLength());
        Assert.True(firstTwo.TryGetProperty("NextToken", out _));
        Assert.Equal(["/aws/lambda/other-b", "/aws/lambda/other-c"], Names(prefixed, "logGroups", "logGroupName"));
        var group = all.GetProperty("logGroups").EnumerateArray().Single(g => g.GetProperty("logGroupName").GetString() == LogGroup);
        Assert.Equal($"arn:aws:logs:us-east-1:000000000000:log-group:{LogGroup}:*", group.GetProperty("arn").GetString());
        Assert.Equal(Start.ToUnixTimeMilliseconds(), group.GetProperty("creationTime").GetInt64());
    }

    [Fact]
    public async Task DescribeLogStreams_names_the_one_stream_with_its_first_and_last_event()
    {
        var output = await AwsCli.JsonAsync(_server.Url, "logs", "describe-log-streams", "--log-group-name", LogGroup);

        var stream = Assert.Single(output.GetProperty("logStreams").EnumerateArray());
        Assert.Equal(Stream, stream.GetProperty("logStreamName").GetString());
        Assert.Equal(Start.ToUnixTimeMilliseconds(), stream.GetProperty("firstEventTimestamp").GetInt64());
        Assert.Equal(Start.AddMinutes(9).ToUnixTimeMilliseconds(), stream.GetProperty("lastEventTimestamp").GetInt64());
    }

    /// <summary>Five FAILED transactions (0, 5, 10, 15, 20), two to a page; the time range is inclusive at both ends.</summary>
    [Fact]
    public async Task FilterLogEvents_pages_through_the_matching_events()
    {
        var failed = await AwsCli.JsonAsync(_server.Url, "logs", "filter-log-events", "--log-group-name", LogGroup, "--filter-pattern", "\"transaction processed\" FAILED", "--page-size", "2");
        var firstTwo = await AwsCli.JsonAsync(_server.Url, "logs", "filter-log-events", "--log-group-name", LogGroup, "--filter-pattern", "FAILED", "--page-size", "2", "--max-items", "2");
        var rest = await AwsCli.JsonAsync(_server.Url, "logs", "filter-log-events", "--log-group-name", LogGroup, "--filter-pattern", "FAILED", "--page-size", "2", "--starting-token", firstTwo.GetProperty("NextToken").GetString()!);
        var inRange = await AwsCli.JsonAsync(
            _server.Url, "logs", "filter-log-events", "--log-group-name", LogGroup, "--filter-pattern", "transaction processed -REFUND",
            "--start-time", Start.AddSeconds(20).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            "--end-time", Start.AddSeconds(80).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

        Assert.Equal(["txn-000", "txn-005", "txn-010", "txn-015", "txn-020"], TransactionIds(failed));
        Assert.Equal(["txn-000", "txn-005"], TransactionIds(firstTwo));
        Assert.Equal(["txn-010", "txn-015", "txn-020"], TransactionIds(rest));
        // 20 s to 80 s: transactions 1 to 4, less the refund (3).
        Assert.Equal(["txn-001", "txn-002", "txn-004"], TransactionIds(inRange));
        Assert.Equal(Stream, failed.GetProperty("events")[0].GetProperty("logStreamName").GetString());
        Assert.Equal(Start.ToUnixTimeMilliseconds(), failed.GetProperty("events")[0].GetProperty("timestamp").GetInt64());
    }

    [Theory]
    [InlineData("{ $.status = \"FAILED\" }")]
    [InlineData("[ip, user, status=FAILED]")]
    [InlineData("%FAIL.*%")]
    public async Task FilterLogEvents_refuses_the_pattern_forms_it_does_not_support(string pattern)
    {
        var (exitCode, _, error) = await AwsCli.RunAsync(_server.Url, "logs", "filter-log-events", "--log-group-name", LogGroup, "--filter-pattern", pattern);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("InvalidParameterException", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// GetLogEvents: the latest events unless startFromHead; f/ and b/ tokens move forward and back; at the end of
    /// the stream the forward token comes back as it was passed.
    /// </summary>
    [Fact]
    public async Task GetLogEvents_moves_through_the_stream_with_forward_and_backward_tokens()
    {
        var head = await AwsCli.JsonAsync(_server.Url, "logs", "get-log-events", "--log-group-name", LogGroup, "--log-stream-name", Stream, "--limit", "10", "--start-from-head");
        var next = await AwsCli.JsonAsync(_server.Url, "logs", "get-log-events", "--log-group-name", LogGroup, "--log-stream-name", Stream, "--limit", "10", "--next-token", head.GetProperty("nextForwardToken").GetString()!);
        var back = await AwsCli.JsonAsync(_server.Url, "logs", "get-log-events", "--log-group-name", LogGroup, "--log-stream-name", Stream, "--limit", "5", "--next-token", next.GetProperty("nextBackwardToken").GetString()!);
        var tail = await AwsCli.JsonAsync(_server.Url, "logs", "get-log-events", "--log-group-name", LogGroup, "--log-stream-name", Stream, "--limit", "3");
        var end = await AwsCli.JsonAsync(_server.Url, "logs", "get-log-events", "--log-group-name", LogGroup, "--log-stream-name", Stream, "--next-token", tail.GetProperty("nextForwardToken").GetString()!);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"txn-{i:D3}"), TransactionIds(head));
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"txn-{i:D3}"), TransactionIds(next));
        Assert.Equal(Enumerable.Range(5, 5).Select(i => $"txn-{i:D3}"), TransactionIds(back));
        Assert.Equal(["txn-022", "txn-023", ""], TransactionIds(tail));
        Assert.Empty(end.GetProperty("events").EnumerateArray());
        Assert.Equal(tail.GetProperty("nextForwardToken").GetString(), end.GetProperty("nextForwardToken").GetString());
    }

    [Fact]
    public async Task GetLogEvents_of_a_stream_that_does_not_exist_is_ResourceNotFound()
    {
        var (exitCode, _, error) = await AwsCli.RunAsync(_server.Url, "logs", "get-log-events", "--log-group-name", LogGroup, "--log-stream-name", "2026/11/26/[$LATEST]nope");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ResourceNotFoundException", error, StringComparison.Ordinal);
    }

    /// <summary>config/queries as infra/cloudwatch.tf deploys them: paywatch-{environment}/{file name}, on the function's log group.</summary>
    [Fact]
    public async Task DescribeQueryDefinitions_lists_the_saved_queries_of_config()
    {
        var all = await AwsCli.JsonAsync(_server.Url, "logs", "describe-query-definitions");
        var paged = await AwsCli.JsonAsync(_server.Url, "logs", "describe-query-definitions", "--max-results", "3");
        var next = await AwsCli.JsonAsync(_server.Url, "logs", "describe-query-definitions", "--max-results", "3", "--next-token", paged.GetProperty("nextToken").GetString()!);
        var prefixed = await AwsCli.JsonAsync(_server.Url, "logs", "describe-query-definitions", "--query-definition-name-prefix", "paywatch-local/Error");

        Assert.Equal(
            ["paywatch-local/Error-Analysis", "paywatch-local/Latency-Trends", "paywatch-local/Success-Rate", "paywatch-local/Transaction-Types"],
            Names(all, "queryDefinitions", "name"));
        var errors = all.GetProperty("queryDefinitions")[0];
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot.Config, "queries", "Error-Analysis.query")).TrimEnd(), errors.GetProperty("queryString").GetString());
        Assert.Equal([LogGroup], errors.GetProperty("logGroupNames").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(3, paged.GetProperty("queryDefinitions").GetArrayLength());
        Assert.Equal(["paywatch-local/Transaction-Types"], Names(next, "queryDefinitions", "name"));
        Assert.Equal(["paywatch-local/Error-Analysis"], Names(prefixed, "queryDefinitions", "name"));
    }

    private static List<string> Names(JsonElement output, string list, string member) =>
        [.. output.GetProperty(list).EnumerateArray().Select(e => e.GetProperty(member).GetString()!)];

    private static List<string> TransactionIds(JsonElement output) =>
        [.. output.GetProperty("events").EnumerateArray()
            .Select(e => JsonDocument.Parse(e.GetProperty("message").GetString()!).RootElement)
            .Select(m => m.TryGetProperty("transaction_id", out var id) ? id.GetString()! : "")];
}
