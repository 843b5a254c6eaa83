using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Core.Telemetry;
using Paywatch.Local.Streams;
using Paywatch.Local.Telemetry;

namespace Paywatch.Local.Tests.Api;

/// <summary>
/// The twin's X-Ray API read with the unmodified AWS CLI after real records: one approved transaction (txn-001) and
/// one the processor fails (txn-005, a negative amount), each put once the previous one's invocation has ended, so
/// that each is an invocation, and so a trace, of its own.
/// </summary>
public sealed class XRayApiTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task GetTraceSummaries_lists_one_trace_per_invocation_with_the_exporters_annotations()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        var (ok, failed) = await PutTwoAsync(twin);

        var summaries = await AwsCli.JsonAsync(
            twin.Api.Url, "xray", "get-trace-summaries",
            "--start-time", Floor(ok.Batch.Start), "--end-time", Floor(failed.Batch.Start + failed.Batch.Duration + TimeSpan.FromSeconds(1)));

        Assert.True(2 == summaries.GetProperty("TracesProcessedCount").GetInt64(), Describe(twin.Traces.Spans()));
        var byId = summaries.GetProperty("TraceSummaries").EnumerateArray().ToDictionary(s => s.GetProperty("Id").GetString()!);
        Assert.Equal(new[] { ok.XRayId, failed.XRayId }.Order(StringComparer.Ordinal), byId.Keys.Order(StringComparer.Ordinal));
        var okSummary = byId[ok.XRayId];
        var failedSummary = byId[failed.XRayId];
        Assert.False(okSummary.GetProperty("HasError").GetBoolean());
        Assert.True(failedSummary.GetProperty("HasError").GetBoolean());
        Assert.False(okSummary.GetProperty("HasFault").GetBoolean());
        Assert.False(failedSummary.GetProperty("HasFault").GetBoolean());
        Assert.False(okSummary.GetProperty("IsPartial").GetBoolean());
        Assert.Equal(ok.Batch.Duration.TotalSeconds, okSummary.GetProperty("ResponseTime").GetDouble(), 6);
        Assert.True(okSummary.GetProperty("Duration").GetDouble() >= okSummary.GetProperty("ResponseTime").GetDouble() - 1e-6);
        var annotations = failedSummary.GetProperty("Annotations");
        Assert.Equal(1, Annotation(annotations, "records").GetProperty("NumberValue").GetDouble());
        Assert.Equal(1, Annotation(annotations, "failed").GetProperty("NumberValue").GetDouble());
        Assert.Equal(failed.ShardId, Annotation(annotations, "shard_id").GetProperty("StringValue").GetString());
        Assert.Equal("txn-005", Annotation(annotations, "failed_transaction_ids").GetProperty("StringValue").GetString());
        Assert.False(string.IsNullOrEmpty(Annotation(annotations, "request_id").GetProperty("StringValue").GetString()));
        Assert.Equal(
            twin.Settings.FunctionName,
            annotations.GetProperty("records")[0].GetProperty("ServiceIds")[0].GetProperty("Name").GetString());
        Assert.Equal("AWS::Lambda::Function", failedSummary.GetProperty("EntryPoint").GetProperty("Type").GetString());
    }

    [Fact]
    public async Task GetTraceSummaries_by_trace_start_leaves_out_traces_started_before_the_range()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        var (_, failed) = await PutTwoAsync(twin);

        var summaries = await AwsCli.JsonAsync(
            twin.Api.Url, "xray", "get-trace-summaries", "--time-range-type", "TraceId",
            "--start-time", Floor(failed.Batch.Start), "--end-time", Epoch(300));

        Assert.Equal([failed.XRayId], summaries.GetProperty("TraceSummaries").EnumerateArray().Select(s => s.GetProperty("Id").GetString()));
    }

    [Fact]
    public async Task GetTraceSummaries_refuses_a_filter_expression_as_not_supported()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);

        var (exitCode, _, error) = await AwsCli.RunAsync(
            twin.Api.Url, "xray", "get-trace-summaries", "--start-time", Epoch(-300), "--end-time", Epoch(0), "--filter-expression", "service(\"x\")");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("InvalidRequestException", error, StringComparison.Ordinal);
        Assert.Contains("FilterExpression is not supported", error, StringComparison.Ordinal);
    }

    /// <summary>restJson1 errors: the type in <c>x-amzn-ErrorType</c>, <c>{"message": ...}</c> in the body (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html).</summary>
    [Theory]
    [InlineData("/TraceSummaries", "[1")]
    [InlineData("/TraceSummaries", "{\"EndTime\": 1}")]
    [InlineData("/Traces", "{\"TraceIds\": []}")]
    [InlineData("/ServiceGraph", "{\"StartTime\": \"yesterday\", \"EndTime\": 1}")]
    public async Task A_bad_request_is_a_400_InvalidRequestException_in_the_restJson1_error_shape(string path, string body)
    {
        var message = await RefusedAsync(path, body);

        Assert.False(string.IsNullOrEmpty(message));
    }

    [Fact]
    public async Task BatchGetTraces_returns_the_invocation_as_one_segment_with_its_transactions_nested_and_unknown_ids_unprocessed()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        var (ok, failed) = await PutTwoAsync(twin);
        const string Unknown = "1-5f000000-000000000000000000000000";

        var result = await AwsCli.JsonAsync(twin.Api.Url, "xray", "batch-get-traces", "--trace-ids", failed.XRayId, Unknown);

        var trace = Assert.Single(result.GetProperty("Traces").EnumerateArray());
        Assert.Equal(failed.XRayId, trace.GetProperty("Id").GetString());
        Assert.Equal([Unknown], result.GetProperty("UnprocessedTraceIds").EnumerateArray().Select(i => i.GetString()));
        var segment = Assert.Single(trace.GetProperty("Segments").EnumerateArray());
        Assert.Equal(failed.Batch.SpanId, segment.GetProperty("Id").GetString());
        var text = segment.GetProperty("Document").GetString()!;
        var document = JsonDocument.Parse(text).RootElement;
        Assert.Equal(twin.Settings.FunctionName, document.GetProperty("name").GetString());
        Assert.Equal(failed.XRayId, document.GetProperty("trace_id").GetString());
        Assert.Equal(1, document.GetProperty("annotations").GetProperty("records").GetInt32());
        var subsegments = document.GetProperty("subsegments").EnumerateArray().ToList();
        var transaction = Assert.Single(subsegments, s => s.GetProperty("name").GetString() == ProcessorTelemetry.Spans.Transaction);
        Assert.Equal("txn-005", transaction.GetProperty("metadata").GetProperty("paywatch").GetProperty("transaction_id").GetString());
        // Kinesis's sequence number whole (its 56 digits are no card number): what the record is looked up by.
        Assert.Equal(failed.SequenceNumber, transaction.GetProperty("metadata").GetProperty("paywatch").GetProperty("sequence_number").GetString());
        Assert.True(transaction.GetProperty("error").GetBoolean());
        Assert.Equal(
            [ProcessorTelemetry.Spans.Validation, ProcessorTelemetry.Spans.Processing, ProcessorTelemetry.Spans.Routing],
            transaction.GetProperty("subsegments").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var publish = Assert.Single(subsegments, s => s.GetProperty("name").GetString() == ProcessorTelemetry.Spans.Publish);
        Assert.Equal("PutEvents", publish.GetProperty("aws").GetProperty("operation").GetString());
        Assert.DoesNotContain("card_", text, StringComparison.Ordinal);
        Assert.NotEqual(ok.XRayId, failed.XRayId);
    }

    /// <summary>
    /// The model's constraints (TimeRangeType's "Valid Values: TraceId | Event | Service", API_GetTraceSummaries.html; a
    /// trace id's "Maximum length of 35", API_BatchGetTraces.html) in AWS's validation wording, as X-Ray's InvalidRequestException.
    /// </summary>
    [Theory]
    [InlineData("/TraceSummaries", "{\"StartTime\": 1, \"EndTime\": 2, \"TimeRangeType\": \"Segment\"}", "1 validation error detected: Value 'Segment' at 'timeRangeType' failed to satisfy constraint: Member must satisfy enum value set: [TraceId, Event, Service]")]
    [InlineData("/Traces", "{\"TraceIds\": [\"1-5f000000-000000000000000000000000001\"]}", "1 validation error detected: Value '1-5f000000-000000000000000000000000001' at 'traceIds.1.member' failed to satisfy constraint: Member must have length less than or equal to 35")]
    [InlineData("/ServiceGraph", "{\"EndTime\": 2}", "1 validation error detected: Value null at 'startTime' failed to satisfy constraint: Member must not be null")]
    public async Task A_request_that_breaks_the_model_is_refused_in_AWS_validation_words(string path, string body, string message)
    {
        Assert.Equal(message, await RefusedAsync(path, body));
    }

    /// <summary>
    /// Posts <paramref name="body"/> to a fresh twin and checks the restJson1 error: a 400, the type in
    /// <c>x-amzn-ErrorType</c>, <c>{"message": ...}</c> in the body (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html).
    /// </summary>
    /// <returns>The message.</returns>
    private static async Task<string?> RefusedAsync(string path, string body)
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        using var client = new HttpClient();

        using var response = await client.PostAsync(new Uri(twin.Api.Url, path), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidRequestException", Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString();
    }

    [Fact]
    public async Task BatchGetTraces_refuses_more_than_five_trace_ids()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        string[] ids = [.. Enumerable.Range(1, 6).Select(i => $"1-5f000000-{i:D24}")];

        var (exitCode, _, error) = await AwsCli.RunAsync(twin.Api.Url, ["xray", "batch-get-traces", "--trace-ids", .. ids]);

        // X-Ray's answer to six ids (https://github.com/boto/boto3/issues/3924).
        Assert.NotEqual(0, exitCode);
        Assert.Contains("InvalidRequestException", error, StringComparison.Ordinal);
        Assert.Contains("Exceeding maximum query size: 5", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetServiceGraph_draws_the_function_and_its_PutEvents_edge_to_EventBridge_from_the_spans()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        var (ok, failed) = await PutTwoAsync(twin);
        var publish = Assert.Single(twin.Traces.Spans(ProcessorTelemetry.Spans.Publish));

        // The range holds the two invocations, in whole seconds. It may hold more: the mapping also invokes the function
        // with no records when a tumbling window closes, so the expected figures are read from the batch spans in range.
        var from = DateTimeOffset.FromUnixTimeSeconds(ok.Batch.Start.ToUnixTimeSeconds());
        var to = DateTimeOffset.FromUnixTimeSeconds((failed.Batch.Start + failed.Batch.Duration + TimeSpan.FromSeconds(1)).ToUnixTimeSeconds());
        // The range is closed before it is asked for: an empty-window invocation starting in it has ended (and been
        // recorded) by then, so the graph and the spans read below see the same invocations, however slow the machine.
        while (DateTimeOffset.UtcNow < to.AddSeconds(2))
        {
            await Task.Delay(50);
        }

        var graph = await AwsCli.JsonAsync(
            twin.Api.Url, "xray", "get-service-graph", "--start-time", Floor(from), "--end-time", Floor(to));
        var batches = twin.Traces.Spans(ProcessorTelemetry.Spans.Batch, from, to);
        Assert.True(batches.Count >= 2, Describe(twin.Traces.Spans()));

        var services = graph.GetProperty("Services").EnumerateArray().ToList();
        Assert.Equal(2, services.Count);
        var function = Assert.Single(services, s => s.GetProperty("Type").GetString() == "AWS::Lambda::Function");
        var events = Assert.Single(services, s => s.GetProperty("Type").GetString() == "AWS::Events");
        Assert.Equal(twin.Settings.FunctionName, function.GetProperty("Name").GetString());
        Assert.True(function.GetProperty("Root").GetBoolean());
        var functionStatistics = function.GetProperty("SummaryStatistics");
        Assert.True(batches.Count == functionStatistics.GetProperty("TotalCount").GetInt64(), Describe(twin.Traces.Spans()));
        Assert.Equal(batches.Count, functionStatistics.GetProperty("OkCount").GetInt64());
        Assert.Equal(0, functionStatistics.GetProperty("FaultStatistics").GetProperty("TotalCount").GetInt64());
        Assert.Equal(batches.Sum(b => b.Duration.TotalSeconds), functionStatistics.GetProperty("TotalResponseTime").GetDouble(), 6);
        var edge = Assert.Single(function.GetProperty("Edges").EnumerateArray());
        Assert.Equal(events.GetProperty("ReferenceId").GetInt32(), edge.GetProperty("ReferenceId").GetInt32());
        Assert.Equal(1, edge.GetProperty("SummaryStatistics").GetProperty("TotalCount").GetInt64());
        Assert.Equal(publish.Duration.TotalSeconds, edge.GetProperty("SummaryStatistics").GetProperty("TotalResponseTime").GetDouble(), 6);
        Assert.Equal(1, events.GetProperty("SummaryStatistics").GetProperty("TotalCount").GetInt64());
        Assert.Contains(twin.Settings.EventBusName, events.GetProperty("Names").EnumerateArray().Select(n => n.GetString()));
    }

    private static async Task<LocalTwin> StartAsync(TemporaryDirectory folder) =>
        await LocalTwin.StartAsync(new LocalTwinSettings { DataDirectory = folder.Path, Port = 0, AlertsPerWindow = 10_000 }, RepositoryRoot.Config, [], TimeProvider.System); // every lane a token a second: the failed record is alerted

    /// <summary>Puts txn-001 (approved) then txn-005 (failed), each after the previous invocation's trace has ended, in a later second.</summary>
    private static async Task<(Sent Ok, Sent Failed)> PutTwoAsync(LocalTwin twin)
    {
        var ok = await PutAsync(twin, "txn-001", 10, expectedBatches: 1);
        // The CLI sends whole seconds: the second trace starts in a later second than the first ends.
        while (DateTimeOffset.UtcNow.ToUnixTimeSeconds() <= (ok.Batch.Start + ok.Batch.Duration).ToUnixTimeSeconds())
        {
            await Task.Delay(50);
        }

        var failed = await PutAsync(twin, "txn-005", -10, expectedBatches: 2);
        return (ok, failed);
    }

    private static async Task<Sent> PutAsync(LocalTwin twin, string id, int amount, int expectedBatches)
    {
        var result = await twin.Stream.PutRecordAsync(new PutRecordEntry("card-1", Encoding.UTF8.GetBytes(
            $$"""{"transaction_id":"{{id}}","amount":{{amount}},"currency":"EUR","type":"PURCHASE","merchant_id":"m-1","merchant_country":"DE","card_id":"card_1"}""")));
        var until = DateTime.UtcNow + Patience;
        while (twin.Traces.Spans(ProcessorTelemetry.Spans.Batch).Count < expectedBatches)
        {
            Assert.True(DateTime.UtcNow < until, "timed out");
            await Task.Delay(100);
        }

        var batch = twin.Traces.Spans(ProcessorTelemetry.Spans.Batch)[expectedBatches - 1];
        return new Sent(batch, TraceIds.ToXRay(ActivityTraceId.CreateFromString(batch.TraceId)), result.ShardId, result.SequenceNumber!.Value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The kept spans, for a failure's message.</summary>
    private static string Describe(IEnumerable<SpanRecord> spans) =>
        string.Join("; ", spans.Select(s => $"{s.Name} {s.TraceId}/{s.SpanId}<-{s.ParentSpanId} {s.Start:O} error={s.IsError}"));

    private static JsonElement Annotation(JsonElement annotations, string key) =>
        Assert.Single(annotations.GetProperty(key).EnumerateArray()).GetProperty("AnnotationValue");

    /// <summary>Whole epoch seconds: the CLI sends timestamps without their fraction.</summary>
    private static string Floor(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string Epoch(int offsetSeconds) =>
        DateTimeOffset.UtcNow.AddSeconds(offsetSeconds).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private sealed record Sent(SpanRecord Batch, string XRayId, string ShardId, string SequenceNumber);
}
