using System.Text;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
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
        await ProcessAsync(new MetricStoreWriter(metrics, logs), logs);

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
        using var traces = new TraceStore();
        using var logs = new LogStore(_folder, "/aws/lambda/transaction-processor-local");
        await ProcessAsync(new MetricStoreWriter(new MetricStore(TimeSpan.FromHours(1)), logs), logs);

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
        using var traces = new TraceStore();
        using var logs = new LogStore(_folder, "/aws/lambda/transaction-processor-local");
        await ProcessAsync(new MetricStoreWriter(new MetricStore(TimeSpan.FromHours(1)), logs), logs);

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

    [Fact]
    public void Tags_that_do_not_fit_a_span_s_slot_are_left_out_and_the_span_counted_as_truncated()
    {
        using var traces = new TraceStore(capacity: 4);
        using var source = new System.Diagnostics.ActivitySource(ProcessorTelemetry.ActivitySourceName);
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
        using var traces = new TraceStore(capacity: 2);
        using var source = new System.Diagnostics.ActivitySource(ProcessorTelemetry.ActivitySourceName);
        foreach (var name in new[] { "a", "b", "c" })
        {
            using var activity = source.StartActivity(name);
        }

        Assert.Equal(["b", "c"], traces.Spans().Select(s => s.Name));
        Assert.Equal(3, traces.Recorded);
    }

    /// <summary>
    /// On the twin's fake clock (the tests'), a trace's spans are timed on that clock: moved by the difference of the
    /// two clocks when the trace began, all of them by the same amount, so the child stays inside its parent even when
    /// the fake clock jumps while the trace runs.
    /// </summary>
    [Fact]
    public void On_another_clock_a_trace_is_moved_to_it_whole()
    {
        var newYear = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(newYear);
        using var traces = new TraceStore(capacity: 4, time: clock);
        using var source = new System.Diagnostics.ActivitySource(ProcessorTelemetry.ActivitySourceName);
        using (source.StartActivity("parent"))
        {
            clock.Advance(TimeSpan.FromMinutes(5));
            using var child = source.StartActivity("child");
        }

        var spans = traces.Spans();
        var parent = spans.Single(s => s.Name == "parent");
        var inner = spans.Single(s => s.Name == "child");
        // The fake clock's time, give or take the microseconds between the span's start and the listener's callback.
        Assert.InRange(parent.Start, newYear.AddSeconds(-1), newYear.AddSeconds(1));
        Assert.InRange(inner.Start, parent.Start, parent.Start + parent.Duration);
        Assert.True(inner.Start + inner.Duration <= parent.Start + parent.Duration, "the child ends within its parent");
    }

    [Fact]
    public void Spans_are_read_by_name_start_and_trace()
    {
        var newYear = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(newYear);
        using var traces = new TraceStore(capacity: 8, time: clock);
        using var source = new System.Diagnostics.ActivitySource(ProcessorTelemetry.ActivitySourceName);
        using (source.StartActivity("batch"))
        {
            using var transaction = source.StartActivity("transaction");
        }

        clock.Advance(TimeSpan.FromMinutes(10));
        using (source.StartActivity("batch"))
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

    /// <summary>Twins sharing a process (tests do) each record their own function's spans: those of the flows that claim their store.</summary>
    [Fact]
    public async Task A_store_of_claimed_spans_records_only_the_flows_that_claim_it()
    {
        using var mine = new TraceStore(capacity: 4, claimedOnly: true);
        using var theirs = new TraceStore(capacity: 4, claimedOnly: true);
        using var everyone = new TraceStore(capacity: 4);
        using var source = new System.Diagnostics.ActivitySource(ProcessorTelemetry.ActivitySourceName);
        async Task InvokeAsync(TraceStore store, string name)
        {
            store.Claim();
            await Task.Yield();
            using var span = source.StartActivity(name);
        }

        await Task.WhenAll(InvokeAsync(mine, "mine"), InvokeAsync(theirs, "theirs"));
        // The claims ended with the invocations.
        using (source.StartActivity("nobody's"))
        {
        }

        Assert.Equal(["mine"], mine.Spans().Select(s => s.Name));
        Assert.Equal(["theirs"], theirs.Spans().Select(s => s.Name));
        Assert.Equal(["mine", "nobody's", "theirs"], everyone.Spans().Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string? Tag(SpanRecord span, string key) => span.Tags.FirstOrDefault(t => t.Key == key).Value;

    private static async Task ProcessAsync(IMetricsWriter metrics, ILogWriter logs)
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
        using var handler = new KinesisBatchHandler(new ProcessorOptions(), new InMemoryEventPublisher(), PublishAll.Instance, metrics, logs, new FixedTime(Now));
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
