using System.Diagnostics;
using System.Text.Json;
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
    /// <summary>Activity listeners are process-wide: tests that listen to the processor's spans run alone.</summary>
    public const string Name = "Processor spans";
}

/// <summary>The exporter's documents against "AWS X-Ray segment documents" and the daemon's UDP protocol.</summary>
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
        using var exporter = new XRayExporter(daemon.EndPoint);

        await RunBatchAsync(exporter, 3, LambdaHeader);
        await daemon.WaitForAsync(5);

        Assert.All(daemon.Datagrams, d =>
        {
            Assert.StartsWith("{\"format\": \"json\", \"version\": 1}\n", d, StringComparison.Ordinal);
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(d) < 64 * 1024);
        });
    }

    [Fact]
    public async Task Each_transaction_is_a_segment_in_its_own_trace_with_its_three_steps_as_subsegments()
    {
        using var daemon = new XRayDaemonListener();
        using var exporter = new XRayExporter(daemon.EndPoint, "paywatch-processor-test");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000m;

        await RunBatchAsync(exporter, 12, LambdaHeader, requestId: "c6af9ac6-7b61-11e6-9a41-93e812345678");
        var documents = await daemon.WaitForAsync(12 + 2);
        var after = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000m) + 1;

        var transactions = documents.Where(d => d.TryGetProperty("subsegments", out _)).ToList();
        Assert.Equal(12, transactions.Count);
        Assert.Equal(12, transactions.Select(t => t.GetProperty("trace_id").GetString()).Distinct().Count());
        Assert.All(transactions, segment =>
        {
            Assert.Equal("paywatch-processor-test", segment.GetProperty("name").GetString());
            Assert.Matches(SegmentIdPattern, segment.GetProperty("id").GetString());
            Assert.Matches(TraceIdPattern, segment.GetProperty("trace_id").GetString());
            Assert.False(segment.TryGetProperty("type", out _), "a segment has no type; only independent subsegments do");
            var (start, end) = Times(segment);
            Assert.InRange(start, before, after);
            Assert.True(end >= start);

            var annotations = segment.GetProperty("annotations");
            Assert.All(annotations.EnumerateObject(), a => Assert.Matches(AnnotationKeyPattern, a.Name));
            Assert.All(annotations.EnumerateObject(), a => Assert.Contains(a.Value.ValueKind,
                new[] { JsonValueKind.String, JsonValueKind.Number, JsonValueKind.True, JsonValueKind.False }));
            Assert.Equal("1-5759e988-bd862e3fe1be46a994272793", annotations.GetProperty("invocation_trace_id").GetString());
            Assert.Equal("c6af9ac6-7b61-11e6-9a41-93e812345678", annotations.GetProperty("request_id").GetString());
            Assert.True(annotations.TryGetProperty("transaction_id", out _));
            Assert.True(annotations.TryGetProperty("status", out _));

            var steps = segment.GetProperty("subsegments").EnumerateArray().ToList();
            Assert.Equal(["Validation", "Processing", "Routing"], steps.Select(s => s.GetProperty("name").GetString()));
            Assert.All(steps, step =>
            {
                Assert.Matches(SegmentIdPattern, step.GetProperty("id").GetString());
                var (stepStart, stepEnd) = Times(step);
                Assert.InRange(stepStart, start, end);
                Assert.InRange(stepEnd, stepStart, end);
            });
        });
    }

    [Fact]
    public async Task When_Lambda_sampled_the_invocation_the_batch_is_a_subsegment_of_its_function_segment()
    {
        using var daemon = new XRayDaemonListener();
        using var exporter = new XRayExporter(daemon.EndPoint);

        await RunBatchAsync(exporter, 2, LambdaHeader);
        var documents = await daemon.WaitForAsync(4);

        var batch = documents.Single(d => d.GetProperty("name").GetString() == "ProcessBatch");
        Assert.Equal("subsegment", batch.GetProperty("type").GetString());
        Assert.Equal("1-5759e988-bd862e3fe1be46a994272793", batch.GetProperty("trace_id").GetString());
        Assert.Equal("53995c3f42cd8ad8", batch.GetProperty("parent_id").GetString());
        Assert.Equal(2, batch.GetProperty("annotations").GetProperty("records").GetInt32());
        var publish = documents.Single(d => d.GetProperty("name").GetString() == "PublishEvents");
        Assert.Equal("subsegment", publish.GetProperty("type").GetString());
        Assert.Equal(batch.GetProperty("id").GetString(), publish.GetProperty("parent_id").GetString());
        Assert.Equal(batch.GetProperty("trace_id").GetString(), publish.GetProperty("trace_id").GetString());
        Assert.Equal("aws", publish.GetProperty("namespace").GetString());
    }

    [Theory]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0")]
    [InlineData(null)]
    public async Task When_Lambda_did_not_sample_the_batch_is_still_traced_as_a_segment_of_its_own(string? header)
    {
        using var daemon = new XRayDaemonListener();
        using var exporter = new XRayExporter(daemon.EndPoint);

        await RunBatchAsync(exporter, 2, header);
        var documents = await daemon.WaitForAsync(4);

        var batch = documents.Single(d => d.GetProperty("annotations").TryGetProperty("records", out _));
        Assert.False(batch.TryGetProperty("type", out _));
        Assert.False(batch.TryGetProperty("parent_id", out _));
        Assert.NotEqual("1-5759e988-bd862e3fe1be46a994272793", batch.GetProperty("trace_id").GetString());
        var publish = documents.Single(d => d.GetProperty("name").GetString() == "PublishEvents");
        Assert.Equal(batch.GetProperty("id").GetString(), publish.GetProperty("parent_id").GetString());
        Assert.Equal(batch.GetProperty("trace_id").GetString(), publish.GetProperty("trace_id").GetString());
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
        using var exporter = new XRayExporter(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, FreeUdpPort()));

        var response = await RunBatchAsync(exporter, 5, LambdaHeader);

        Assert.Empty(response.BatchItemFailures);
        Assert.Equal(7, exporter.DocumentsSent + exporter.DocumentsDropped);
    }

    private static async Task<KinesisStreamResponse> RunBatchAsync(XRayExporter exporter, int count, string? traceHeader, string? requestId = null)
    {
        exporter.SetInvocation(XRayTraceContext.Parse(traceHeader), requestId);
        var now = DateTimeOffset.UtcNow;
        var records = new TrafficGenerator(seed: 5).Generate(count)
            .Select((r, i) => KinesisEventRecord.FromData(r.Utf8Json, $"{i + 1:D21}", r.PartitionKey, now))
            .ToList();
        using var handler = new KinesisBatchHandler(
            new ProcessorOptions { Environment = "test" }, new InMemoryEventPublisher(), PublishAllPolicy.Instance, new NoMetrics(),
            new NoLogs(), TimeProvider.System);
        return await handler.HandleAsync(new KinesisEvent { Records = records, ShardId = "shardId-000000000000" }, CancellationToken.None);
    }

    /// <summary>Exports one Transaction span, tagged by <paramref name="tag"/>; returns its document, its datagram and the exporter's drop count.</summary>
    private static async Task<(JsonElement Document, string Datagram, long Dropped)> ExportOneTransactionAsync(Action<Activity> tag)
    {
        using var daemon = new XRayDaemonListener();
        using var exporter = new XRayExporter(daemon.EndPoint);
        using var source = new ActivitySource(ProcessorTelemetry.ActivitySourceName);
        using (var span = source.StartActivity(ProcessorTelemetry.Spans.Transaction))
        {
            Assert.NotNull(span);
            tag(span);
        }

        var document = Assert.Single(await daemon.WaitForAsync(1));
        return (document, Assert.Single(daemon.Datagrams), exporter.DocumentsDropped);
    }

    private static (decimal Start, decimal End) Times(JsonElement document) =>
        (document.GetProperty("start_time").GetDecimal(), document.GetProperty("end_time").GetDecimal());

    private static int FreeUdpPort()
    {
        using var socket = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }
}
