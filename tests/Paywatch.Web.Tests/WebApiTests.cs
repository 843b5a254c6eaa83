using Paywatch.Aws.Runtime;
using System.Net;
using System.Text.Json;
using Paywatch.Local.Functions;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Web.Tests;

/// <summary>
/// The web UI's JSON API (contract: src/Paywatch.Web/client/src/api.ts) over HTTP on a real twin with a fake clock.
/// Expected values come from the traffic sent (<see cref="Traffic"/>), from config/ (dashboard, alarms, rules) and from
/// the dashboard body docs (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
/// </summary>
public sealed class WebApiTests
{
    private const string LogGroup = "/aws/lambda/transaction-processor-local";

    [Fact]
    public async Task Status_gives_the_twins_clock_and_names()
    {
        await using var web = await WebTwin.StartAsync();

        var status = await web.GetOkAsync("/api/status");

        Assert.Equal(WebTwin.Start, status.GetProperty("now").GetDateTimeOffset());
        Assert.Equal("local", status.GetProperty("environment").GetString());
        Assert.Equal("000000000000", status.GetProperty("accountId").GetString());
        var names = status.GetProperty("names");
        Assert.Equal("transaction-stream-local", names.GetProperty("stream").GetString());
        Assert.Equal("transaction-processor-dlq-local", names.GetProperty("deadLetterQueue").GetString());
        Assert.Equal(LogGroup, names.GetProperty("logGroup").GetString());
        Assert.Equal(0, status.GetProperty("counts").GetProperty("recordsProcessed").GetInt64());
        Assert.Equal(0, status.GetProperty("counts").GetProperty("recordsDeletedBySizeCap").GetInt64());
    }

    [Fact]
    public async Task The_dashboard_is_configs_body_with_every_template_value_filled()
    {
        await using var web = await WebTwin.StartAsync();

        var dashboard = await web.GetOkAsync("/api/dashboard");

        Assert.Equal("paywatch-local", dashboard.GetProperty("name").GetString());
        var widgets = dashboard.GetProperty("body").GetProperty("widgets");
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(Local.Tests.RepositoryRoot.Config, "dashboard", "dashboard.json")));
        Assert.Equal(10, config.RootElement.GetProperty("widgets").GetArrayLength());
        Assert.Equal(10, widgets.GetArrayLength());
        var text = dashboard.GetRawText();
        Assert.DoesNotContain("${", text, StringComparison.Ordinal);
        Assert.Contains("\"transaction-processor-local\"", text, StringComparison.Ordinal);
        Assert.Contains("\"us-east-1\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metric_widget_draws_what_was_sent_on_a_grid_aligned_to_its_period()
    {
        await using var web = await WebTwin.StartAsync();
        await web.SendAsync(Traffic.Mixed());

        // A start 30 s into a minute: the grid starts on the minute, as CloudWatch aligns periods.
        var widget = await web.PostOkAsync("/api/widgets/metric", Request(
            """
            { "period": 60, "stat": "Sum", "metrics": [
                ["Paywatch/Transactions", "TransactionsProcessed", "Environment", "local", { "id": "processed", "color": "#1f77b4" }],
                [".", "TransactionsFailed", ".", ".", { "id": "failed", "visible": false }],
                [{ "expression": "100 * failed / processed", "id": "rate", "label": "Failed (%)" }] ] }
            """,
            "2026-11-26T11:50:30Z",
            "2026-11-26T12:10:00Z"));
        var failedShown = await web.PostOkAsync("/api/widgets/metric", Request(
            """{ "period": 60, "stat": "Sum", "metrics": [["Paywatch/Transactions", "TransactionsFailed", "Environment", "local"]] }""",
            "2026-11-26T11:50:30Z",
            "2026-11-26T12:10:00Z"));

        Assert.Equal(60, widget.GetProperty("period").GetInt32());
        var timestamps = widget.GetProperty("timestampsMs").EnumerateArray().Select(t => t.GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => new DateTimeOffset(2026, 11, 26, 11, 50, 0, TimeSpan.Zero).AddMinutes(i).ToUnixTimeMilliseconds()), timestamps);
        var series = widget.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(["processed", "rate"], series.Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(["TransactionsProcessed", "Failed (%)"], series.Select(s => s.GetProperty("label").GetString()));
        Assert.Equal("#1f77b4", series[0].GetProperty("color").GetString());
        Assert.Empty(widget.GetProperty("messages").EnumerateArray());

        var processed = Values(series[0]);
        var failed = Values(failedShown.GetProperty("series")[0]);
        var rate = Values(series[1]);
        Assert.Equal(9, processed.Sum(v => v ?? 0));
        Assert.Equal(2, failed.Sum(v => v ?? 0));
        // Nothing before the traffic started at 12:00:10.
        Assert.All(processed.Take(10), v => Assert.Null(v));
        for (var i = 0; i < timestamps.Count; i++)
        {
            if (processed[i] is { } p && failed[i] is { } f)
            {
                Assert.Equal(100 * f / p, rate[i]!.Value, 9);
            }
        }

        Assert.Contains(rate, v => v is not null);
    }

    [Fact]
    public async Task Every_metric_widget_of_the_dashboard_draws_and_the_volume_widget_shows_the_traffic()
    {
        await using var web = await WebTwin.StartAsync();
        await web.SendAsync(Traffic.Mixed());
        var widgets = (await web.GetOkAsync("/api/dashboard")).GetProperty("body").GetProperty("widgets").EnumerateArray().ToList();

        var drawn = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var widget in widgets.Where(w => w.GetProperty("type").GetString() == "metric"))
        {
            var properties = widget.GetProperty("properties");
            var data = await web.PostOkAsync("/api/widgets/metric", Request(properties.GetRawText(), "2026-11-26T09:00:00Z", "2026-11-26T12:10:00Z"));
            var title = properties.GetProperty("title").GetString()!;
            Assert.True(data.GetProperty("messages").GetArrayLength() == 0, $"{title}: {data.GetProperty("messages")}");
            var visible = properties.GetProperty("metrics").EnumerateArray().Count(m => !(m[m.GetArrayLength() - 1] is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("visible", out var v) && !v.GetBoolean()));
            Assert.Equal(visible, data.GetProperty("series").GetArrayLength());
            drawn[title] = data;
        }

        Assert.Equal(9, drawn.Count);
        var volume = drawn["Transaction volume"].GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("label").GetString()!, s => Values(s).Sum(v => v ?? 0));
        Assert.Equal(new Dictionary<string, double> { ["Approved"] = 7, ["Failed"] = 2, ["Errored"] = 0 }, volume);
        // Not stacked, failures on their own axis: 2.5 % failures on top of the approved area were invisible.
        var axes = drawn["Transaction volume"].GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("label").GetString()!, s => s.GetProperty("yAxis").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["Approved"] = "left", ["Failed"] = "right", ["Errored"] = "right" }, axes);
        Assert.False(widgets[0].GetProperty("properties").GetProperty("stacked").GetBoolean());
    }

    [Fact]
    public async Task A_bad_expression_is_named_in_messages_and_the_other_lines_still_draw()
    {
        await using var web = await WebTwin.StartAsync();
        await web.SendAsync([Traffic.Purchase(0), Traffic.Purchase(1)]);

        var widget = await web.PostOkAsync("/api/widgets/metric", Request(
            """
            { "period": 60, "stat": "Sum", "metrics": [
                ["Paywatch/Transactions", "TransactionsProcessed", "Environment", "local"],
                [{ "expression": "nope * 2", "id": "broken" }] ] }
            """,
            "2026-11-26T12:00:00Z",
            "2026-11-26T12:05:00Z"));

        Assert.Contains("nope", Assert.Single(widget.GetProperty("messages").EnumerateArray()).GetString(), StringComparison.Ordinal);
        var series = widget.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(2, Values(series[0]).Sum(v => v ?? 0));
        Assert.All(Values(series[1]), v => Assert.Null(v));
    }

    [Fact]
    public async Task A_bad_expression_does_not_stop_a_good_one()
    {
        await using var web = await WebTwin.StartAsync();
        await web.SendAsync([Traffic.Purchase(0), Traffic.Purchase(1), Traffic.Purchase(2)]);

        var widget = await web.PostOkAsync("/api/widgets/metric", Request(
            """
            { "period": 60, "stat": "Sum", "metrics": [
                ["Paywatch/Transactions", "TransactionsProcessed", "Environment", "local", { "id": "processed" }],
                [{ "expression": "nope * 2", "id": "broken" }],
                [{ "expression": "processed * 2", "id": "doubled" }] ] }
            """,
            "2026-11-26T12:00:00Z",
            "2026-11-26T12:05:00Z"));

        // api.ts: messages are "per-query problems (a bad expression, an unknown id) that did not stop the others".
        var message = Assert.Single(widget.GetProperty("messages").EnumerateArray()).GetString();
        Assert.Contains("broken", message, StringComparison.Ordinal);
        Assert.Contains("nope", message, StringComparison.Ordinal);
        var series = widget.GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!, Values);
        Assert.Equal(3, series["processed"].Sum(v => v ?? 0));
        Assert.All(series["broken"], v => Assert.Null(v));
        Assert.Equal(series["processed"].Select(v => v * 2), series["doubled"]);
    }

    [Theory]
    [InlineData("/api/widgets/metric", """{ "properties": { "metrics": [["N", "M"]] }, "start": "yesterday", "end": "2026-11-26T12:05:00Z" }""", "'start' must be an ISO 8601 time, not 'yesterday'.")]
    [InlineData("/api/widgets/metric", """{ "properties": { "metrics": [["N", "M"]] }, "start": "2026-11-26T12:05:00Z", "end": "2026-11-26T12:00:00Z" }""", "'start' (2026-11-26T12:05:00Z) must be before 'end'")]
    [InlineData("/api/widgets/metric", """{ "properties": { "metrics": [] }, "start": "2026-11-26T12:00:00Z", "end": "2026-11-26T12:05:00Z" }""", "A metric widget needs a metrics array of 1 to 100 entries.")]
    [InlineData("/api/widgets/metric", """{ "properties": { "metrics": [[{ "expression": "m1 +" }]] }, "start": "2026-11-26T12:00:00Z", "end": "2026-11-26T12:05:00Z" }""", "Expression 'e1':")]
    [InlineData("/api/widgets/metric", """not json""", "The request body is not the JSON asked for")]
    [InlineData("/api/widgets/log", """{ "properties": { "query": "SOURCE '/aws/lambda/other' | fields @message" }, "start": "2026-11-26T12:00:00Z", "end": "2026-11-26T12:05:00Z" }""", "The twin has one log group, /aws/lambda/transaction-processor-local; the widget asks for /aws/lambda/other.")]
    [InlineData("/api/widgets/log", """{ "properties": { "query": "fields @message" }, "start": "2026-11-26T12:00:00Z", "end": "2026-11-26T12:05:00Z" }""", "A log widget's query starts with SOURCE")]
    [InlineData("/api/widgets/log", """{ "properties": { "query": "SOURCE '/aws/lambda/transaction-processor-local' | stats nonsense(" }, "start": "2026-11-26T12:00:00Z", "end": "2026-11-26T12:05:00Z" }""", "")]
    public async Task Bad_input_is_a_400_with_an_error_that_says_what(string path, string body, string error)
    {
        await using var web = await WebTwin.StartAsync();

        var (status, response) = await web.PostAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(error, response.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(response.GetProperty("error").GetString()!);
    }

    [Theory]
    [InlineData("/api/traces/map?start=soon&end=2026-11-26T12:05:00Z", "'start' must be an ISO 8601 time, not 'soon'.")]
    [InlineData("/api/traces?status=maybe", "'status' is ok or error, not 'maybe'.")]
    [InlineData("/api/events?rule=paywatch-nope", "No rule 'paywatch-nope' on paywatch-transactions-local")]
    public async Task Bad_query_parameters_are_a_400_with_an_error_that_says_what(string path, string error)
    {
        await using var web = await WebTwin.StartAsync();

        var (status, response) = await web.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(error, response.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/dlq/redrive")]
    [InlineData("/api/widgets/metric")]
    [InlineData("/api/widgets/log")]
    public async Task A_body_that_is_not_JSON_by_its_content_type_or_missing_is_a_400(string path)
    {
        await using var web = await WebTwin.StartAsync();

        using (var text = new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"))
        using (var response = await web.Http.PostAsync(new Uri(path, UriKind.Relative), text))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("JSON", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        using (var none = await web.Http.PostAsync(new Uri(path, UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        }
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task An_unknown_API_is_a_404_in_JSON_whatever_the_method(string method)
    {
        await using var web = await WebTwin.StartAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri("/api/x", UriKind.Relative));
        using var response = await web.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No such API", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_API_is_a_404_in_JSON()
    {
        await using var web = await WebTwin.StartAsync();

        var (status, response) = await web.GetAsync("/api/x");
        var (traceStatus, traceResponse) = await web.GetAsync("/api/traces/1-00000000-000000000000000000000000");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("No such API", response.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, traceStatus);
        Assert.Contains("is not among the trace store's recent spans", traceResponse.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_widget_runs_its_Logs_Insights_query_on_the_twins_log_group()
    {
        await using var web = await WebTwin.StartAsync();
        await web.SendAsync(Traffic.Mixed());

        var result = await web.PostOkAsync("/api/widgets/log", Request(
            $$"""{ "query": "SOURCE '{{LogGroup}}' | filter message = \"transaction processed\" | stats count(*) as n by status | sort status asc", "view": "table" }""",
            "2026-11-26T11:00:00Z",
            "2026-11-26T13:00:00Z"));

        Assert.Equal("Complete", result.GetProperty("status").GetString());
        Assert.Equal(["status", "n"], result.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        // Seven valid records approved, two invalid ones failed.
        Assert.Equal(
            [["APPROVED", "7"], ["FAILED", "2"]],
            result.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetString()).ToArray()));
    }

    [Fact]
    public async Task The_alarms_are_configs_twelve_and_a_composites_rule_tree_shows_its_childrens_states()
    {
        await using var web = await WebTwin.StartAsync();
        // Throttled in 2 minutes of 5 (config/alarms/throttles.json): the throttles alarm goes to ALARM at 12:02, and
        // with it System Capacity; the other children are evaluated OK (missing data is notBreaching).
        var throttles = new MetricKey("AWS/Lambda", "Throttles", [new("FunctionName", "transaction-processor-local")]);
        web.Twin.Metrics.Put(throttles, WebTwin.Start.AddSeconds(10), 1);
        web.Twin.Metrics.Put(throttles, WebTwin.Start.AddSeconds(70), 1);
        await web.Clock.AdvanceUntilAsync(
            () => web.Twin.Alarms.DescribeAlarms().Single(a => a.AlarmName == "paywatch-system-capacity-local").StateValue == AlarmState.Alarm,
            TimeSpan.FromMinutes(3),
            "System Capacity in ALARM");

        var alarms = (await web.GetOkAsync("/api/alarms")).GetProperty("alarms").EnumerateArray().ToList();

        Assert.Equal(12, Directory.GetFiles(Path.Combine(Local.Tests.RepositoryRoot.Config, "alarms"), "*.json").Length);
        Assert.Equal(
            Directory.GetFiles(Path.Combine(Local.Tests.RepositoryRoot.Config, "alarms"), "*.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("AlarmName").GetString()!.Replace("${environment}", "local", StringComparison.Ordinal)).Order(StringComparer.Ordinal),
            alarms.Select(a => a.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        var states = alarms.ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("state").GetString());
        var all = alarms.Where(a => a.GetProperty("type").GetString() == "CompositeAlarm").ToList();
        Assert.Equal(3, all.Count);
        // Delivery Health's five children make a deeper tree; the spec's two composites are one OR of two alarms each.
        Assert.False(all.Single(a => a.GetProperty("name").GetString() == "paywatch-delivery-health-local").GetProperty("ruleTree").GetProperty("value").GetBoolean());
        var composites = all.Where(a => a.GetProperty("name").GetString() != "paywatch-delivery-health-local").ToList();
        var health = composites.Single(a => a.GetProperty("name").GetString() == "paywatch-processing-health-local");
        Assert.Equal("ALARM(\"paywatch-error-rate-local\") OR ALARM(\"paywatch-latency-local\")", health.GetProperty("rule").GetString());
        foreach (var composite in composites)
        {
            var tree = composite.GetProperty("ruleTree");
            Assert.Equal("OR", tree.GetProperty("op").GetString());
            var children = tree.GetProperty("children").EnumerateArray().ToList();
            Assert.Equal(2, children.Count);
            foreach (var child in children)
            {
                Assert.Equal("STATE", child.GetProperty("op").GetString());
                Assert.Equal("ALARM", child.GetProperty("function").GetString());
                var state = states[child.GetProperty("alarmName").GetString()!];
                Assert.Equal(state, child.GetProperty("alarmState").GetString());
                Assert.Equal(state == "ALARM", child.GetProperty("value").GetBoolean());
            }

            Assert.Equal(children.Any(c => c.GetProperty("value").GetBoolean()), tree.GetProperty("value").GetBoolean());
            Assert.Contains(composite.GetProperty("rule").GetString()!, children.Select(c => $"ALARM(\"{c.GetProperty("alarmName").GetString()}\")").Aggregate((a, b) => $"{a} OR {b}"), StringComparison.Ordinal);
        }

        Assert.All(alarms.Where(a => a.GetProperty("type").GetString() == "MetricAlarm"), a => Assert.Equal(JsonValueKind.Null, a.GetProperty("ruleTree").ValueKind));
        var capacity = composites.Single(a => a.GetProperty("name").GetString() == "paywatch-system-capacity-local");
        Assert.Equal("ALARM", capacity.GetProperty("state").GetString());
        Assert.True(capacity.GetProperty("ruleTree").GetProperty("value").GetBoolean());
        Assert.Equal(
            [("paywatch-throttles-local", "ALARM", true), ("paywatch-iterator-age-local", "OK", false)],
            capacity.GetProperty("ruleTree").GetProperty("children").EnumerateArray().Select(c => (c.GetProperty("alarmName").GetString(), c.GetProperty("alarmState").GetString(), c.GetProperty("value").GetBoolean())));
        var throttled = alarms.Single(a => a.GetProperty("name").GetString() == "paywatch-throttles-local");
        Assert.Equal("ALARM", throttled.GetProperty("history")[0].GetProperty("newState").GetString());
    }

    [Fact]
    public async Task Traces_filter_by_status_type_and_rule_and_a_waterfall_is_its_transaction_with_the_batch_around_it()
    {
        await using var web = await WebTwin.StartAsync();
        await web.SendAsync(Traffic.Mixed());

        var all = await web.GetOkAsync("/api/traces");
        Assert.Equal(9, all.GetProperty("traces").GetArrayLength());
        Assert.Equal(["PURCHASE", "TRANSFER"], all.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(9, (await web.GetOkAsync("/api/traces?status=ok")).GetProperty("traces").GetArrayLength());
        Assert.Equal(0, (await web.GetOkAsync("/api/traces?status=error")).GetProperty("traces").GetArrayLength());
        Assert.Equal(["txn-h0", "txn-h1"], TransactionIds(await web.GetOkAsync("/api/traces?type=TRANSFER")));
        Assert.Equal(["txn-h0", "txn-h1"], TransactionIds(await web.GetOkAsync("/api/traces?rule=paywatch-high-value")));
        Assert.Equal(["txn-f0", "txn-f1"], TransactionIds(await web.GetOkAsync("/api/traces?rule=paywatch-failed")));
        Assert.Equal(["txn-f0", "txn-f1", "txn-p0", "txn-p1", "txn-p2", "txn-p3", "txn-p4"], TransactionIds(await web.GetOkAsync("/api/traces?type=PURCHASE")));
        Assert.Equal(2, (await web.GetOkAsync("/api/traces?limit=2")).GetProperty("traces").GetArrayLength());
        // A window: the traffic's transactions started within the last minute of the twin's clock, none an hour before.
        var now = web.Clock.Now;
        Assert.Equal(9, (await web.GetOkAsync($"/api/traces?start={Uri.EscapeDataString(now.AddMinutes(-1).ToString("O"))}&end={Uri.EscapeDataString(now.AddSeconds(1).ToString("O"))}")).GetProperty("traces").GetArrayLength());
        Assert.Equal(0, (await web.GetOkAsync($"/api/traces?start={Uri.EscapeDataString(now.AddHours(-2).ToString("O"))}&end={Uri.EscapeDataString(now.AddHours(-1).ToString("O"))}")).GetProperty("traces").GetArrayLength());

        var high = (await web.GetOkAsync("/api/traces?rule=paywatch-high-value")).GetProperty("traces")[0];
        var traceId = high.GetProperty("traceId").GetString();
        var spanId = high.GetProperty("spanId").GetString();
        var waterfall = (await web.GetOkAsync($"/api/traces/{traceId}?spanId={spanId}")).GetProperty("spans").EnumerateArray().ToList();

        var transaction = Assert.Single(waterfall, s => s.GetProperty("name").GetString() == "Transaction");
        Assert.Equal(spanId, transaction.GetProperty("spanId").GetString());
        var batch = Assert.Single(waterfall, s => s.GetProperty("name").GetString() == "ProcessBatch");
        Assert.Equal(batch.GetProperty("spanId").GetString(), transaction.GetProperty("parentSpanId").GetString());
        var children = waterfall.Where(s => s.GetProperty("parentSpanId").GetString() == spanId).Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Processing", "Routing", "Validation"], children.Order(StringComparer.Ordinal));
        var publish = Assert.Single(waterfall, s => s.GetProperty("name").GetString() == "PublishEvents");
        Assert.Equal(batch.GetProperty("spanId").GetString(), publish.GetProperty("parentSpanId").GetString());
        // The batch's other transactions are not in this one's waterfall, but are in the trace.
        var trace = (await web.GetOkAsync($"/api/traces/{traceId}")).GetProperty("spans").EnumerateArray().ToList();
        Assert.True(trace.Count >= waterfall.Count);
        Assert.All(waterfall, s => Assert.Contains(trace, t => t.GetProperty("spanId").GetString() == s.GetProperty("spanId").GetString()));
        var (status, _) = await web.GetAsync($"/api/traces/{traceId}?spanId=0000000000000000");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task A_waterfall_leaves_out_the_batchs_other_transactions()
    {
        await using var web = await WebTwin.StartAsync();
        // One partition key: one shard, one lane, one batch, one trace with three transactions.
        await web.SendAsync([("card-same", Traffic.Purchase(0).Json), ("card-same", Traffic.HighValue(0).Json), ("card-same", Traffic.Purchase(1).Json)]);

        var high = (await web.GetOkAsync("/api/traces?rule=paywatch-high-value")).GetProperty("traces")[0];
        var traceId = high.GetProperty("traceId").GetString();
        var trace = (await web.GetOkAsync($"/api/traces/{traceId}")).GetProperty("spans").EnumerateArray().ToList();
        var waterfall = (await web.GetOkAsync($"/api/traces/{traceId}?spanId={high.GetProperty("spanId").GetString()}")).GetProperty("spans").EnumerateArray().ToList();

        Assert.Equal(3, trace.Count(s => s.GetProperty("name").GetString() == "Transaction"));
        Assert.Equal(
            ["ProcessBatch", "Processing", "PublishEvents", "Routing", "Transaction", "Validation"],
            waterfall.Select(s => s.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(trace.Count - 8, waterfall.Count);
        Assert.Equal("txn-h0", waterfall.Single(s => s.GetProperty("name").GetString() == "Transaction").GetProperty("tags").GetProperty("paywatch.transaction.id").GetString());
        // Spans in start order, as a waterfall draws them.
        var starts = waterfall.Select(s => s.GetProperty("startMs").GetDouble()).ToList();
        Assert.Equal(starts.Order(), starts);
    }

    /// <summary>
    /// Traffic.Mixed's four routed events (2 high-value, 2 failed) and the three composites' OK notifications, sent as
    /// the twin starts: CloudWatch evaluates an alarm as it creates it and runs the new state's actions
    /// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html).
    /// </summary>
    private const int RoutedAndOk = 4 + 3;

    [Fact]
    public async Task Cost_prices_the_twins_run_as_AWS_would_bill_it()
    {
        await using var web = await WebTwin.StartAsync();
        await web.SendAsync(Traffic.Mixed());
        await web.Clock.AdvanceUntilAsync(() => web.Delivered.All.Count >= RoutedAndOk, TimeSpan.FromSeconds(30), "seven notifications delivered");

        var cost = await web.GetOkAsync("/api/cost");

        Assert.Equal("us-east-1", cost.GetProperty("region").GetString());
        var run = cost.GetProperty("run");
        Assert.Equal(9, run.GetProperty("records").GetDouble());
        Assert.Equal(9, run.GetProperty("putPayloadUnits").GetDouble());
        Assert.Equal(RoutedAndOk, run.GetProperty("notifications").GetDouble());
        var lines = cost.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(cost.GetProperty("usdPerMonth").GetDouble(), lines.Sum(l => l.GetProperty("usdPerMonth").GetDouble()), 6);
        Assert.Equal(cost.GetProperty("usdPerMonth").GetDouble() / 730, cost.GetProperty("usdPerHour").GetDouble(), 9);
        Assert.True(cost.GetProperty("usdSoFar").GetDouble() > 0);
    }

    [Fact]
    public async Task Routed_events_carry_the_notification_the_topic_published()
    {
        await using var web = await WebTwin.StartAsync();
        await web.SendAsync(Traffic.Mixed());
        await web.Clock.AdvanceUntilAsync(() => web.Delivered.All.Count >= RoutedAndOk, TimeSpan.FromSeconds(30), "seven notifications delivered");

        var response = await web.GetOkAsync("/api/events");
        var counts = (await web.GetOkAsync("/api/status")).GetProperty("counts");
        Assert.Equal(9, counts.GetProperty("recordsProcessed").GetInt64());
        Assert.Equal(4, counts.GetProperty("eventsRouted").GetInt64());
        Assert.Equal(RoutedAndOk, counts.GetProperty("notifications").GetInt64());
        Assert.Equal(0, counts.GetProperty("deadLetterMessages").GetInt64());
        var highValue = await web.GetOkAsync("/api/events?rule=paywatch-high-value");

        var rules = response.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("matchedEvents").GetInt64());
        Assert.Equal(2, rules["paywatch-high-value"]);
        Assert.Equal(2, rules["paywatch-failed"]);
        var events = response.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(4, events.Count);
        var delivered = web.Delivered.All.Select(n => n.MessageId).ToHashSet(StringComparer.Ordinal);
        Assert.All(events, e => Assert.Contains(e.GetProperty("notification").GetProperty("messageId").GetString()!, delivered));
        Assert.Equal(4, events.Select(e => e.GetProperty("notification").GetProperty("messageId").GetString()).Distinct().Count());
        var routed = highValue.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["paywatch-high-value", "paywatch-high-value"], routed.Select(e => e.GetProperty("rule").GetString()));
        Assert.Equal(["txn-h0", "txn-h1"], routed.Select(e => e.GetProperty("detail").GetProperty("transaction_id").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_failed_batch_is_listed_in_the_DLQ_and_redriven_through_the_API_once_the_function_works()
    {
        var function = new SwitchableFunction();
        await using var web = await WebTwin.StartAsync(function.Wrap);
        await web.SendAsync([("card-x", Traffic.Purchase(0).Json)]);

        var dlq = await web.GetOkAsync("/api/dlq");
        var message = Assert.Single(dlq.GetProperty("messages").EnumerateArray());
        Assert.Equal("transaction-processor-dlq-local", dlq.GetProperty("queue").GetProperty("name").GetString());
        Assert.Equal(1, dlq.GetProperty("queue").GetProperty("visible").GetInt32());
        Assert.Equal("RetryAttemptsExhausted", message.GetProperty("condition").GetString());
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:transaction-processor-local", message.GetProperty("functionArn").GetString());
        var batch = message.GetProperty("batch");
        Assert.Equal(1, batch.GetProperty("batchSize").GetInt32());
        Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:stream/transaction-stream-local", batch.GetProperty("streamArn").GetString());
        Assert.Equal(web.Twin.Stream.ShardFor(new Local.Streams.PutRecordEntry("card-x", ReadOnlyMemory<byte>.Empty)), batch.GetProperty("shardId").GetString());
        Assert.Empty(await web.GetOkAsync("/api/traces").ContinueWith(t => t.Result.GetProperty("traces").EnumerateArray().ToList(), TaskScheduler.Default));

        function!.Fail = false;
        var completed = web.Twin.Mapping.RecordsCompleted;
        var redrive = await web.PostOkAsync("/api/dlq/redrive", "{}");
        await web.Clock.AdvanceUntilAsync(() => web.Twin.Mapping.RecordsCompleted > completed, TimeSpan.FromSeconds(30), "the redriven record processed");

        var redriven = Assert.Single(redrive.GetProperty("redriven").EnumerateArray());
        Assert.Equal(message.GetProperty("messageId").GetString(), redriven.GetProperty("messageId").GetString());
        Assert.Equal(1, redriven.GetProperty("records").GetInt32());
        Assert.Empty(redrive.GetProperty("failed").EnumerateArray());
        Assert.Empty((await web.GetOkAsync("/api/dlq")).GetProperty("messages").EnumerateArray());
        Assert.Equal(["txn-p0"], TransactionIds(await web.GetOkAsync("/api/traces")));

        var again = await web.PostOkAsync("/api/dlq/redrive", $$"""{ "messageIds": ["{{redriven.GetProperty("messageId").GetString()}}"] }""");
        Assert.Contains("no such message", Assert.Single(again.GetProperty("failed").EnumerateArray()).GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_service_map_counts_what_each_part_did_with_the_traffic()
    {
        await using var web = await WebTwin.StartAsync();
        await web.SendAsync(Traffic.Mixed());
        await web.Clock.AdvanceUntilAsync(() => web.Delivered.All.Count >= 4, TimeSpan.FromSeconds(30), "four notifications delivered");

        // An offset's '+' left unencoded in a query string arrives as a space: still read as the offset.
        var map = await web.GetOkAsync("/api/traces/map?start=2026-11-26T12:00:00+01:00&end=2026-11-26T14:00:00+01:00");

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 11, 0, 0, TimeSpan.Zero), map.GetProperty("start").GetDateTimeOffset());
        var nodes = map.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetString()!, n => n.GetProperty("requests").GetDouble());
        var edges = map.GetProperty("edges").EnumerateArray().ToDictionary(e => e.GetProperty("from").GetString() + ">" + e.GetProperty("to").GetString(), e => e.GetProperty("requests").GetDouble());
        // Nine records in; four of them matched a rule (two high-value, two failed), each one event and one notification.
        Assert.Equal(9, nodes["kinesis"]);
        Assert.Equal(9, edges["kinesis>processor"]);
        Assert.Equal(4, nodes["eventbridge"]);
        Assert.Equal(4, edges["processor>eventbridge"]);
        Assert.Equal(4, nodes["sns"]);
        Assert.Equal(4, edges["eventbridge>sns"]);
        Assert.Equal(0, nodes["sqs"]);
        Assert.True(nodes["processor"] >= 1);
        Assert.All(map.GetProperty("nodes").EnumerateArray(), n => Assert.Equal(0, n.GetProperty("errors").GetDouble()));

        // A range before the traffic: nothing.
        var before = await web.GetOkAsync("/api/traces/map?start=2026-11-26T10:00:00Z&end=2026-11-26T11:00:00Z");
        Assert.All(before.GetProperty("nodes").EnumerateArray(), n => Assert.Equal(0, n.GetProperty("requests").GetDouble()));
    }

    [Fact]
    public async Task A_range_too_long_for_the_period_is_drawn_with_a_coarser_whole_minute_period()
    {
        await using var web = await WebTwin.StartAsync();
        await web.SendAsync(Traffic.Mixed());

        // Three days at 60 s would be 4,320 points; at most 1,440 are drawn: 180 s.
        var widget = await web.PostOkAsync("/api/widgets/metric", Request(
            """{ "period": 60, "stat": "Sum", "metrics": [["Paywatch/Transactions", "TransactionsProcessed", "Environment", "local"]] }""",
            "2026-11-24T00:00:00Z",
            "2026-11-27T00:00:00Z"));

        Assert.Equal(180, widget.GetProperty("period").GetInt32());
        var timestamps = widget.GetProperty("timestampsMs").EnumerateArray().Select(t => t.GetInt64()).ToList();
        Assert.Equal(1440, timestamps.Count);
        Assert.All(timestamps, t => Assert.Equal(0, t % 180_000));
        Assert.Equal(9, Values(widget.GetProperty("series")[0]).Sum(v => v ?? 0));
    }

    [Fact]
    public async Task A_DLQ_message_that_is_not_a_batch_or_is_in_flight_is_listed_and_kept_by_a_redrive_with_the_reason()
    {
        await using var web = await WebTwin.StartAsync();
        var queue = web.Twin.DeadLetterQueue;
        var held = queue.SendMessage("{\"KinesisBatchInfo\":{}}").MessageId;
        Assert.Equal(held, Assert.Single(await queue.ReceiveMessageAsync(1, TimeSpan.FromMinutes(5), TimeSpan.Zero, CancellationToken.None)).MessageId);
        var text = queue.SendMessage("not an on-failure record").MessageId;
        var other = queue.SendMessage("another").MessageId;

        var dlq = await web.GetOkAsync("/api/dlq");
        Assert.Equal((2, 1), (dlq.GetProperty("queue").GetProperty("visible").GetInt32(), dlq.GetProperty("queue").GetProperty("inFlight").GetInt32()));
        var messages = dlq.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal([held, text, other], messages.Select(m => m.GetProperty("messageId").GetString()));
        Assert.Equal(1, messages[0].GetProperty("receiveCount").GetInt32());
        Assert.Equal("not an on-failure record", messages[1].GetProperty("body").GetString());
        Assert.Equal(JsonValueKind.Null, messages[1].GetProperty("batch").ValueKind);

        var redrive = await web.PostOkAsync("/api/dlq/redrive", $$"""{ "messageIds": ["{{text}}", "{{held}}"] }""");

        Assert.Empty(redrive.GetProperty("redriven").EnumerateArray());
        var failed = redrive.GetProperty("failed").EnumerateArray().ToDictionary(f => f.GetProperty("messageId").GetString()!, f => f.GetProperty("reason").GetString()!);
        Assert.StartsWith("the message is not a Kinesis on-failure record", failed[text], StringComparison.Ordinal);
        Assert.StartsWith("a consumer holds it (in flight)", failed[held], StringComparison.Ordinal);
        Assert.Equal(3, queue.Count);
    }

    [Fact]
    public async Task No_response_carries_a_card_number_after_traffic_full_of_them()
    {
        var function = new SwitchableFunction { Fail = false };
        await using var web = await WebTwin.StartAsync(function.Wrap);
        await web.SendAsync(Traffic.Mixed());
        // And a failed batch, so that the DLQ has something to show.
        function!.Fail = true;
        await web.SendAsync([Traffic.Purchase(3)]);

        var traces = await web.GetOkAsync("/api/traces");
        foreach (var trace in traces.GetProperty("traces").EnumerateArray())
        {
            await web.GetOkAsync($"/api/traces/{trace.GetProperty("traceId").GetString()}");
        }

        await web.GetOkAsync("/api/status");
        await web.GetOkAsync("/api/dashboard");
        await web.GetOkAsync("/api/alarms");
        await web.GetOkAsync("/api/events");
        await web.GetOkAsync("/api/dlq");
        await web.GetOkAsync("/api/traces/map?start=2026-11-26T11:00:00Z&end=2026-11-26T13:00:00Z");
        await web.PostOkAsync("/api/widgets/log", Request($$"""{ "query": "SOURCE '{{LogGroup}}' | fields @timestamp, @message" }""", "2026-11-26T11:00:00Z", "2026-11-26T13:00:00Z"));

        Assert.Contains(web.Bodies, b => b.Contains("txn-p3", StringComparison.Ordinal));
        var found = web.Bodies.SelectMany(Traffic.CardNumbersIn).ToList();
        Assert.True(found.Count == 0, $"Card numbers in responses: {string.Join(", ", found.Distinct())}");
        foreach (var pan in Traffic.Pans.Select(p => new string([.. p.Where(char.IsAsciiDigit)])))
        {
            Assert.DoesNotContain(web.Bodies, b => b.Contains(pan, StringComparison.Ordinal));
        }
    }

    private static string Request(string properties, string start, string end) =>
        $$"""{ "properties": {{properties}}, "start": "{{start}}", "end": "{{end}}" }""";

    private static List<double?> Values(JsonElement series) =>
        [.. series.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble())];

    private static List<string> TransactionIds(JsonElement traces) =>
        [.. traces.GetProperty("traces").EnumerateArray().Select(t => t.GetProperty("transactionId").GetString()!).Order(StringComparer.Ordinal)];

    /// <summary>
    /// A switch in front of every execution environment's function: while <see cref="Fail"/> is set every invocation
    /// fails (Lambda's Unhandled function error).
    /// </summary>
    private sealed class SwitchableFunction
    {
        public volatile bool Fail = true;

        public ILambdaFunction Wrap(ILambdaFunction inner) => new Switched(this, inner);

        private sealed class Switched(SwitchableFunction state, ILambdaFunction inner) : ILambdaFunction
        {
            public ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken) =>
                state.Fail ? throw new InvalidOperationException("Injected fault: the function fails.") : inner.InvokeAsync(invocation, cancellationToken);
        }
    }
}
