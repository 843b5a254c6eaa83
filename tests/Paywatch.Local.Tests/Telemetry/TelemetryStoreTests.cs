using System.Diagnostics;
using System.Text;
using OpenTelemetry;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Function;
using Paywatch.Local.Telemetry;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Telemetry;

/// <summary>The processor's metrics, logs and spans, landing in the twin's stores as they land in CloudWatch and X-Ray.</summary>
[Collection(ProcessorSpans.Name)]
public sealed class TelemetryStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 30, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("paywatch-telemetry-").FullName;

    [Fact]
    public async Task A_batch_s_EMF_feeds_the_metric_store_and_its_lines_the_log_group()
    {
        var metrics = new MetricStore(TimeSpan.FromHours(3));
        using var logs = new LogStore(_folder, "/aws/lambda/transaction-processor-local");
        await ProcessAsync(new MetricStoreWriter(metrics, logs), logs, FunctionTracing.Off);

        var processed = metrics.ListMetrics("Paywatch/Transactions", MetricNames.TransactionsProcessed)
            .Single(k => k.Dimensions.Count == 1 && k.Dimensions[0].Value == "local");
        var sum = metrics.GetStatistics(processed, Now.AddMinutes(-1), Now.AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Sum);
        Assert.Equal(3, sum.Sum(d => d.Value));

        // The spec's Transaction-Types question, asked of the log group: the three transactions, and not the EMF lines.
        var result = logs.Query("filter ispresent(status) | stats count(*) as n by status | sort status");
        Assert.Equal([("APPROVED", "2"), ("FAILED", "1")], result.Rows.Select(r => (r[0].ToString(), r[1].ToString())));
        Assert.True(logs.SegmentPaths.SelectMany(File.ReadLines).Any(l => l.Contains("\"_aws\"", StringComparison.Ordinal)), "the EMF documents are log events too");
    }

    [Fact]
    public async Task Every_span_of_every_transaction_is_kept_in_the_trace_store()
    {
        var traces = new TraceStore();
        using var tracing = Pipeline(traces);
        using var logs = new LogStore(_folder, "/aws/lambda/transaction-processor-local");
        await ProcessAsync(new MetricStoreWriter(new MetricStore(TimeSpan.FromHours(1)), logs), logs, tracing);

        var spans = traces.Spans();
        var transactions = spans.Where(s => s.Name == "Transaction").ToList();
        Assert.Equal(3, transactions.Count);
        foreach (var transaction in transactions)
        {
            var children = spans.Where(s => s.ParentSpanId == transaction.SpanId).Select(s => s.Name);
            Assert.Equal(["Validation", "Processing", "Routing"], children);
        }
    }

    [Fact]
    public async Task A_span_s_ids_times_status_and_tags_read_back_as_the_activity_had_them()
    {
        var traces = new TraceStore();
        using var tracing = Pipeline(traces);
        using var logs = new LogStore(_folder, "/aws/lambda/transaction-processor-local");
        await ProcessAsync(new MetricStoreWriter(new MetricStore(TimeSpan.FromHours(1)), logs), logs, tracing);

        var spans = traces.Spans();
        var failed = spans.Single(s => s.Name == "Transaction" && Tag(s, ProcessorTelemetry.Tags.TransactionId) == "txn-003");
        Assert.Equal("FAILED", Tag(failed, ProcessorTelemetry.Tags.Status));
        Assert.Equal("true", Tag(failed, ProcessorTelemetry.Tags.Published)); // this test's routing publishes everything
        var routed = spans.Single(s => s.Name == "Transaction" && Tag(s, ProcessorTelemetry.Tags.TransactionId) == "txn-002");
        Assert.Equal("true", Tag(routed, ProcessorTelemetry.Tags.Published));
        Assert.Matches("^[0-9a-f]{32}$", routed.TraceId);
        Assert.Matches("^[0-9a-f]{16}$", routed.SpanId);
        var batch = spans.Single(s => s.Name == ProcessorTelemetry.Spans.Batch);
        Assert.Equal("3", Tag(batch, ProcessorTelemetry.Tags.RecordCount));
        Assert.Null(batch.ParentSpanId);
        Assert.Equal(batch.SpanId, routed.ParentSpanId);
        Assert.Equal(batch.TraceId, routed.TraceId);
        Assert.True(routed.Start >= batch.Start && routed.Start + routed.Duration <= batch.Start + batch.Duration, "a transaction lies within its batch");
        Assert.Equal(0, traces.Truncated);
    }

    /// <summary>Spans are timed on the processor's clock, as its logs and metrics are: a test's fixed clock puts them all at its time.</summary>
    [Fact]
    public async Task Spans_are_timed_on_the_processor_s_clock()
    {
        var traces = new TraceStore();
        using var tracing = Pipeline(traces);
        using var logs = new LogStore(_folder, "/aws/lambda/transaction-processor-local");
        await ProcessAsync(new MetricStoreWriter(new MetricStore(TimeSpan.FromHours(1)), logs), logs, tracing);

        var spans = traces.Spans();
        Assert.Equal(3, spans.Count(s => s.Name == ProcessorTelemetry.Spans.Transaction));
        Assert.All(spans, s => Assert.Equal(Now, s.Start));
    }

    [Fact]
    public void Tags_that_do_not_fit_a_span_s_slot_are_left_out_and_the_span_counted_as_truncated()
    {
        var traces = new TraceStore(capacity: 4);
        using var tracing = Pipeline(traces);
        var source = tracing.Processor.Source;
        using (var activity = source.StartActivity("wide"))
        {
            activity!.SetTag("first", "kept");
            activity.SetTag("second", new string('x', TraceStore.TagBytesPerSpan));
            activity.SetTag("third", 7);
        }

        var span = Assert.Single(traces.Spans());
        Assert.Equal([new("first", "kept"), new("third", "7")], span.Tags);
        Assert.Equal(1, traces.Truncated);
    }

    [Fact]
    public void The_ring_keeps_the_most_recent_spans()
    {
        var traces = new TraceStore(capacity: 2);
        using var tracing = Pipeline(traces);
        var source = tracing.Processor.Source;
        foreach (var name in new[] { "a", "b", "c" })
        {
            using var activity = source.StartActivity(name);
        }

        Assert.Equal(["b", "c"], traces.Spans().Select(s => s.Name));
        Assert.Equal(3, traces.Recorded);
    }

    [Fact]
    public void Spans_are_read_by_name_start_and_trace()
    {
        var newYear = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var traces = new TraceStore(capacity: 8);
        using var tracing = Pipeline(traces);
        var source = tracing.Processor.Source;
        using (source.StartActivity("batch", ActivityKind.Internal, default(ActivityContext), startTime: newYear))
        {
            using var transaction = source.StartActivity("transaction", ActivityKind.Internal, default(ActivityContext), startTime: newYear);
        }

        using (source.StartActivity("batch", ActivityKind.Internal, default(ActivityContext), startTime: newYear.AddMinutes(10)))
        {
        }

        Assert.Equal(2, traces.Spans("batch").Count);
        var later = Assert.Single(traces.Spans("batch", newYear.AddMinutes(5), newYear.AddMinutes(15)));
        Assert.Empty(traces.Spans("batch", newYear.AddMinutes(-5), newYear.AddSeconds(-1)));
        Assert.Empty(traces.Spans("no such span"));
        var first = Assert.Single(traces.Spans("transaction"));
        Assert.NotEqual(first.TraceId, later.TraceId);
        Assert.Equal(["batch", "transaction"], traces.Spans(traceId: first.TraceId).Select(s => s.Name).Order());
        Assert.Empty(traces.Spans(traceId: "not a trace id"));
    }

    /// <summary>Twins sharing a process (tests do) each keep their own function's spans: each pipeline exports its own source's only.</summary>
    [Fact]
    public void Two_pipelines_in_one_process_each_export_only_their_own_spans()
    {
        var mine = new TraceStore(capacity: 4);
        var theirs = new TraceStore(capacity: 4);
        using var myTracing = Pipeline(mine);
        using var theirTracing = Pipeline(theirs);
        using (myTracing.Processor.Source.StartActivity("mine"))
        {
        }

        using (theirTracing.Processor.Source.StartActivity("theirs"))
        {
        }

        Assert.Equal(["mine"], mine.Spans().Select(s => s.Name));
        Assert.Equal(["theirs"], theirs.Spans().Select(s => s.Name));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string? Tag(SpanRecord span, string key) => span.Tags.FirstOrDefault(t => t.Key == key).Value;

    /// <summary>The twin's pipeline: every span of its own source into <paramref name="traces"/>.</summary>
    private static FunctionTracing Pipeline(TraceStore traces) =>
        FunctionTracing.Start("transaction-processor-local", TraceMode.Invocation, [new TraceStoreProcessor(traces)]);

    private static async Task ProcessAsync(IMetricsWriter metrics, ILogWriter logs, FunctionTracing tracing)
    {
        string[] samples =
        [
            """{"transaction_id":"txn-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","transaction_count":1}""",
            """{"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1}""",
            """{"transaction_id":"txn-003","amount":-100,"type":"PURCHASE"}""",
        ];
        var kinesisEvent = new KinesisEvent
        {
            Records = [.. samples.Select((s, i) => KinesisEventRecord.FromData(Encoding.UTF8.GetBytes(s), $"4959{i:D4}", "pk", Now.AddSeconds(-1)))],
            ShardId = "shardId-000000000000",
        };
        using var handler = new KinesisBatchHandler(new ProcessorOptions(), new InMemoryEventPublisher(), PublishAll.Instance, metrics, logs, new FixedTime(Now), tracing.Processor);
        await handler.HandleAsync(kinesisEvent, CancellationToken.None);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class PublishAll : IRoutingPolicy
    {
        public static PublishAll Instance { get; } = new();

        public bool Route(ReadOnlySpan<byte> detail, ICollection<string> matchedRules) => true;
    }
}

/// <summary>
/// Tests that listen to the processor's ActivitySource: a listener sees every span in the process, so these run
/// alone, not beside tests that run the processor.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessorSpans
{
    public const string Name = "processor spans";
}
