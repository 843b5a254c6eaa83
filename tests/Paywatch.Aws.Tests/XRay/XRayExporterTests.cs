using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Paywatch.Aws.TestSupport;
using Paywatch.Aws.XRay;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Traffic;

namespace Paywatch.Aws.Tests.XRay;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessorSpansGroup
{
    /// <summary>A tracer provider hears every source of the processor's name in the process: tests that export its spans run alone.</summary>
    public const string Name = "Processor spans";
}

/// <summary>
/// The exporter's documents against "AWS X-Ray segment documents"
/// (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html) and the daemon's UDP protocol,
/// with the processor's real spans through OpenTelemetry's SDK.
/// </summary>
[Collection(ProcessorSpansGroup.Name)]
public sealed class XRayExporterTests
{
    private const string LambdaHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    private const string TraceIdPattern = "^1-[0-9a-f]{8}-[0-9a-f]{24}$";
    private const string SegmentIdPattern = "^[0-9a-f]{16}$";
    private const string AnnotationKeyPattern = "^[A-Za-z0-9_]+$";

    [Fact]
    public async Task Every_datagram_is_the_header_line_then_one_document()
    {
        using var daemon = new XRayDaemonListener();

        await RunBatchAsync(daemon, 3, LambdaHeader);
        await daemon.WaitForAsync(1);

        var datagram = Assert.Single(daemon.Datagrams);
        Assert.StartsWith("{\"format\": \"json\", \"version\": 1}\n", datagram, StringComparison.Ordinal);
    }

    /// <summary>The case: a 100-record batch is one trace; each transaction a subsegment holding its three steps.</summary>
    [Fact]
    public async Task A_100_record_batch_is_one_trace_with_100_transaction_subsegments_each_holding_its_three_steps()
    {
        using var daemon = new XRayDaemonListener();

        var run = await RunBatchAsync(daemon, 100, header: null, requestId: "c6af9ac6-7b61-11e6-9a41-93e812345678");
        var documents = await daemon.WaitForAsync((int)run.Exporter.DocumentsSent);

        Assert.All(daemon.Datagrams, d => Assert.True(Encoding.UTF8.GetByteCount(d) <= XRayExporter.MaxDatagramBytes));
        Assert.Single(documents.Select(d => d.GetProperty("trace_id").GetString()).Distinct());
        Assert.Equal(1, run.Exporter.Traces);
        var batch = documents.Single(d => !d.TryGetProperty("type", out _));
        Assert.Equal("paywatch-processor", batch.GetProperty("name").GetString());
        Assert.Equal(100, batch.GetProperty("annotations").GetProperty("records").GetInt32());
        Assert.Equal("c6af9ac6-7b61-11e6-9a41-93e812345678", batch.GetProperty("annotations").GetProperty("request_id").GetString());

        var transactions = Transactions(documents).ToList();
        Assert.Equal(100, transactions.Count);
        Assert.Equal(100, transactions.Select(t => t.GetProperty("id").GetString()).Distinct().Count());
        Assert.All(transactions, transaction =>
        {
            Assert.Equal(["Validation", "Processing", "Routing"], transaction.GetProperty("subsegments").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
            Assert.True(transaction.GetProperty("metadata").GetProperty("paywatch").TryGetProperty("transaction_id", out _));
            Assert.False(transaction.TryGetProperty("annotations", out _), "only the trace's root carries annotations");
        });
    }

    /// <summary>X-Ray indexes at most 50 annotations per trace: only the root carries them, whatever the batch size.</summary>
    [Fact]
    public async Task A_trace_carries_at_most_50_annotations_with_valid_keys()
    {
        using var daemon = new XRayDaemonListener();

        var run = await RunBatchAsync(daemon, 1000, header: null);
        var documents = await daemon.WaitForAsync((int)run.Exporter.DocumentsSent);

        var annotations = documents.Where(d => d.TryGetProperty("annotations", out _)).SelectMany(d => d.GetProperty("annotations").EnumerateObject()).ToList();
        Assert.InRange(annotations.Count, 1, 50);
        Assert.All(annotations, a => Assert.Matches(AnnotationKeyPattern, a.Name));
        Assert.Equal(1000, Transactions(documents).Count());
        // The batch's document would be far over a datagram: its transactions went in groups, as many to a datagram as
        // fit, each group a subsegment of the batch sent on its own.
        var batch = documents.Single(d => !d.TryGetProperty("type", out _));
        var groups = documents.Where(d => d.GetProperty("name").GetString() == "Transactions").ToList();
        Assert.InRange(groups.Count, 2, 1000 / 50);
        Assert.All(groups, g =>
        {
            Assert.Equal("subsegment", g.GetProperty("type").GetString());
            Assert.Equal(batch.GetProperty("id").GetString(), g.GetProperty("parent_id").GetString());
            Assert.Equal(batch.GetProperty("trace_id").GetString(), g.GetProperty("trace_id").GetString());
        });
        Assert.All(daemon.Datagrams, d => Assert.True(Encoding.UTF8.GetByteCount(d) <= XRayExporter.MaxDatagramBytes));
    }

    [Fact]
    public async Task When_Lambda_sampled_the_invocation_the_batch_is_a_subsegment_of_its_function_segment()
    {
        using var daemon = new XRayDaemonListener();

        await RunBatchAsync(daemon, 2, LambdaHeader);
        var batch = Assert.Single(await daemon.WaitForAsync(1));

        Assert.Equal("ProcessBatch", batch.GetProperty("name").GetString());
        Assert.Equal("subsegment", batch.GetProperty("type").GetString());
        Assert.Equal("1-5759e988-bd862e3fe1be46a994272793", batch.GetProperty("trace_id").GetString());
        Assert.Equal("53995c3f42cd8ad8", batch.GetProperty("parent_id").GetString());
        var publish = batch.GetProperty("subsegments").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "PublishEvents");
        Assert.Equal("aws", publish.GetProperty("namespace").GetString());
        Assert.Equal("PutEvents", publish.GetProperty("aws").GetProperty("operation").GetString());
    }

    [Theory]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0")]
    [InlineData(null)]
    public async Task When_Lambda_did_not_sample_the_batch_starts_a_trace_of_its_own_stamped_with_its_time(string? header)
    {
        using var daemon = new XRayDaemonListener();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await RunBatchAsync(daemon, 2, header);
        var batch = Assert.Single(await daemon.WaitForAsync(1));

        Assert.False(batch.TryGetProperty("type", out _));
        Assert.False(batch.TryGetProperty("parent_id", out _));
        var traceId = batch.GetProperty("trace_id").GetString()!;
        Assert.Matches(TraceIdPattern, traceId);
        Assert.InRange(Convert.ToInt64(traceId[2..10], 16), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Matches(SegmentIdPattern, batch.GetProperty("id").GetString());
    }

    [Fact]
    public async Task In_transaction_mode_each_transaction_is_a_trace_of_its_own_linked_to_the_invocation_s()
    {
        using var daemon = new XRayDaemonListener();

        var run = await RunBatchAsync(daemon, 12, LambdaHeader, mode: TraceMode.Transaction);
        var documents = await daemon.WaitForAsync(13);

        var transactions = documents.Where(d => d.GetProperty("annotations").TryGetProperty("transaction_id", out _)).ToList();
        Assert.Equal(12, transactions.Count);
        Assert.Equal(12, transactions.Select(t => t.GetProperty("trace_id").GetString()).Distinct().Count());
        Assert.Equal(13, run.Exporter.Traces);
        Assert.All(transactions, segment =>
        {
            Assert.False(segment.TryGetProperty("type", out _), "a segment, not a subsegment");
            Assert.Equal("1-5759e988-bd862e3fe1be46a994272793", segment.GetProperty("annotations").GetProperty("invocation_trace_id").GetString());
            Assert.Equal(["Validation", "Processing", "Routing"], segment.GetProperty("subsegments").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        });
    }

    [Theory]
    [InlineData(TraceMode.Invocation)]
    [InlineData(TraceMode.Transaction)]
    public async Task The_trace_id_in_each_log_line_is_the_id_of_the_trace_holding_its_transaction(TraceMode mode)
    {
        using var daemon = new XRayDaemonListener();

        var run = await RunBatchAsync(daemon, 20, header: null, mode: mode);
        var documents = await daemon.WaitForAsync((int)run.Exporter.DocumentsSent);

        var traceOf = new Dictionary<string, string>();
        foreach (var document in documents)
        {
            foreach (var transaction in Transactions([document]))
            {
                var facts = transaction.TryGetProperty("metadata", out var metadata) ? metadata.GetProperty("paywatch") : transaction.GetProperty("annotations");
                if (facts.TryGetProperty("transaction_id", out var id))
                {
                    traceOf[id.GetString()!] = document.GetProperty("trace_id").GetString()!;
                }
            }
        }

        var lines = run.Logs.Lines.Where(l => l.Contains("\"transaction processed\"", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(20, lines.Count);
        foreach (var line in lines.Where(l => l.TryGetProperty("transaction_id", out _)))
        {
            Assert.Equal(traceOf[line.GetProperty("transaction_id").GetString()!], line.GetProperty("trace_id").GetString());
        }
    }

    [Fact]
    public async Task With_tracing_off_no_document_is_sent_and_no_log_line_names_a_trace()
    {
        using var daemon = new XRayDaemonListener();

        var run = await RunBatchAsync(daemon, 5, LambdaHeader, mode: TraceMode.Off);

        Assert.Equal(0, run.Exporter.DocumentsSent);
        Assert.DoesNotContain(run.Logs.Lines, l => l.Contains("trace_id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_card_number_in_a_span_tag_never_reaches_a_document()
    {
        var (document, datagram, _) = await ExportOneTransactionAsync(span =>
        {
            span.SetTag(ProcessorTelemetry.Tags.TransactionId, "4111111111111111");
            span.SetTag(ProcessorTelemetry.Tags.MatchedRules, "card 4111-1111-1111-1111 seen");
            span.SetTag("paywatch.card.number", "5500005555555559");
            span.SetTag("card_id", "tok_5500005555555559");
        });

        Assert.DoesNotContain("4111111111111111", datagram, StringComparison.Ordinal);
        Assert.DoesNotContain("4111-1111-1111-1111", datagram, StringComparison.Ordinal);
        Assert.DoesNotContain("5500005555555559", datagram, StringComparison.Ordinal);
        Assert.DoesNotContain("card", datagram.Replace("card ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("411111******1111", document.GetProperty("annotations").GetProperty("transaction_id").GetString());
    }

    [Fact]
    public async Task No_card_number_from_the_traffic_reaches_any_document_in_any_mode()
    {
        foreach (var mode in new[] { TraceMode.Invocation, TraceMode.Transaction })
        {
            using var daemon = new XRayDaemonListener();
            var run = await RunBatchAsync(daemon, 200, header: null, mode: mode, withCardNumbers: true);
            await daemon.WaitForAsync((int)run.Exporter.DocumentsSent);

            Assert.All(daemon.Datagrams, d => Assert.DoesNotContain("4111111111111111", d, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_sequence_number_Kinesis_assigned_stays_whole_while_card_numbers_are_masked()
    {
        using var daemon = new XRayDaemonListener();
        var run = await RunBatchAsync(daemon, 20, header: null, withCardNumbers: true);
        var documents = await daemon.WaitForAsync((int)run.Exporter.DocumentsSent);

        // A record is looked up by its sequence number (GetShardIterator AT_SEQUENCE_NUMBER); starred, it finds nothing.
        var sequenceNumbers = Transactions(documents).Select(t => t.GetProperty("metadata").GetProperty("paywatch").GetProperty("sequence_number").GetString());
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"{i:D21}"), sequenceNumbers.Order(StringComparer.Ordinal));
        Assert.All(daemon.Datagrams, d => Assert.DoesNotContain("4111111111111111", d, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_huge_tag_is_cut_so_the_document_still_fits_one_datagram()
    {
        var (document, _, dropped) = await ExportOneTransactionAsync(
            span => span.SetTag(ProcessorTelemetry.Tags.MatchedRules, new string('r', 100_000)));

        Assert.Equal(XRayExporter.MaxAnnotationLength, document.GetProperty("annotations").GetProperty("matched_rules").GetString()!.Length);
        Assert.Equal(0, dropped);
    }

    [Fact]
    public async Task Without_a_daemon_the_batch_still_completes()
    {
        var run = await RunBatchAsync(null, 5, LambdaHeader);

        Assert.Empty(run.Response.BatchItemFailures);
        Assert.Equal(1, run.Exporter.DocumentsSent + run.Exporter.DocumentsDropped);
    }

    /// <summary>The transaction subsegments of documents, embedded in a batch or sent on their own, and transaction segments.</summary>
    private static IEnumerable<JsonElement> Transactions(IEnumerable<JsonElement> documents)
    {
        foreach (var document in documents)
        {
            if (document.GetProperty("name").GetString() == ProcessorTelemetry.Spans.Transaction
                || (document.TryGetProperty("annotations", out var a) && a.TryGetProperty("transaction_id", out _)))
            {
                yield return document;
            }
            else if (document.TryGetProperty("subsegments", out var subsegments))
            {
                foreach (var subsegment in subsegments.EnumerateArray().Where(s => s.GetProperty("name").GetString() == ProcessorTelemetry.Spans.Transaction))
                {
                    yield return subsegment;
                }
            }
        }
    }

    private static async Task<BatchRun> RunBatchAsync(
        XRayDaemonListener? daemon, int count, string? header, string? requestId = null, TraceMode mode = TraceMode.Invocation, bool withCardNumbers = false)
    {
        var endPoint = daemon?.EndPoint ?? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, FreeUdpPort());
        var exporter = new XRayExporter(endPoint);
        using var source = new ActivitySource(ProcessorTelemetry.ActivitySourceName);
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(ProcessorTelemetry.ActivitySourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(new SimpleActivityExportProcessor(exporter))
            .Build();
        var now = DateTimeOffset.UtcNow;
        var records = new TrafficGenerator(seed: 5).Generate(count)
            .Select((r, i) => KinesisEventRecord.FromData(
                withCardNumbers ? Encoding.UTF8.GetBytes($$"""{"transaction_id":"4111111111111111","amount":{{i + 1}},"type":"PURCHASE","merchant_id":"4111111111111111","merchant_country":"US"}""") : r.Utf8Json,
                $"{i + 1:D21}", r.PartitionKey, now))
            .ToList();
        var logs = new RecordingLogs();
        using var handler = new KinesisBatchHandler(
            new ProcessorOptions { Environment = "test" }, new InMemoryEventPublisher(), PublishAllPolicy.Instance, new NoMetrics(),
            logs, TimeProvider.System, new ProcessorTracing(source, mode));
        var parent = new TraceParent(XRayTraceContext.Parse(header)?.ToParentContext() ?? default, requestId);
        var response = await handler.HandleAsync(new KinesisEvent { Records = records, ShardId = "shardId-000000000000" }, parent, CancellationToken.None);
        return new BatchRun(response, exporter, logs);
    }

    /// <summary>Exports one Transaction span as a root, tagged by <paramref name="tag"/>; returns its document, its datagram and the exporter's drop count.</summary>
    private static async Task<(JsonElement Document, string Datagram, long Dropped)> ExportOneTransactionAsync(Action<Activity> tag)
    {
        using var daemon = new XRayDaemonListener();
        var exporter = new XRayExporter(daemon.EndPoint);
        using var source = new ActivitySource(ProcessorTelemetry.ActivitySourceName);
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(ProcessorTelemetry.ActivitySourceName)
            .AddProcessor(new SimpleActivityExportProcessor(exporter))
            .Build();
        using (var span = source.StartActivity(ProcessorTelemetry.Spans.Transaction))
        {
            Assert.NotNull(span);
            tag(span);
        }

        var document = Assert.Single(await daemon.WaitForAsync(1));
        return (document, Assert.Single(daemon.Datagrams), exporter.DocumentsDropped);
    }

    private static int FreeUdpPort()
    {
        using var socket = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    private sealed record BatchRun(KinesisStreamResponse Response, XRayExporter Exporter, RecordingLogs Logs);

    private sealed class RecordingLogs : ILogWriter
    {
        public List<string> Lines { get; } = [];

        public void Write(ReadOnlySpan<byte> utf8Lines) =>
            Lines.AddRange(Encoding.UTF8.GetString(utf8Lines).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
