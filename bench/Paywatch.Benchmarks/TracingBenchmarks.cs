using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using Paywatch.Aws.Emf;
using Paywatch.Aws.XRay;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Function;
using Paywatch.Patterns;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// What tracing costs the function per record, each trace mode side by side: the handler with the shipped rules, as
/// <see cref="HandlerBenchmarks"/>, and the function's tracing pipeline (OpenTelemetry's SDK) exporting to X-Ray over
/// UDP, to a bound socket nobody reads (the daemon's own work is not the function's). Batches of 100, Lambda's default.
/// Every figure is per record; the cost of tracing is a mode's figure less <c>off</c>'s.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class TracingBenchmarks
{
    private const int Records = 10_000;
    private const int BatchSize = 100;

    private KinesisEvent[] _events = [];
    private KinesisBatchHandler _handler = null!;
    private FunctionTracing _tracing = null!;
    private Socket _daemon = null!;
    private XRayExporter? _exporter;

    [Params("off", "invocation", "transaction")]
    public string Mode { get; set; } = "invocation";

    [GlobalSetup]
    public void Setup()
    {
        var arrival = DateTimeOffset.UtcNow;
        var window = new TumblingWindow(arrival, arrival.AddMinutes(5));
        _events = [.. new TrafficGenerator(seed: 1).Generate(Records)
            .Select((r, i) => KinesisEventRecord.FromData(r.Utf8Json, $"{i + 1:D21}", r.PartitionKey, arrival))
            .Chunk(BatchSize)
            .Select(chunk => new KinesisEvent { Records = chunk, Window = window, ShardId = "shardId-000000000000" })];
        _daemon = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _daemon.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _exporter = new XRayExporter((IPEndPoint)_daemon.LocalEndPoint!, "bench");
        _tracing = FunctionTracing.Start("bench", TraceModes.Parse(Mode), [new SimpleActivityExportProcessor(_exporter)]);
        var options = new ProcessorOptions();
        var routing = new RuleRoutingPolicy(RuleSet.Compile(ShippedRules.Load()), options.EventSource, options.DetailType, PublishMode.Matched);
        _handler = new KinesisBatchHandler(
            options, new CountingPublisher(), routing, new EmfMetricsWriter(Stream.Null), new DiscardingLogWriter(), TimeProvider.System, _tracing.Processor);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _handler.Dispose();
        _tracing.Dispose();
        _daemon.Dispose();
        Console.WriteLine($"// {Mode}: {_exporter?.Traces ?? 0} traces, {_exporter?.DocumentsSent ?? 0} datagrams");
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public async Task<int> ProcessRecord()
    {
        var state = ReadOnlyMemory<byte>.Empty;
        var failures = 0;
        foreach (var kinesisEvent in _events)
        {
            var response = await _handler.HandleAsync(
                new KinesisEvent { Records = kinesisEvent.Records, Window = kinesisEvent.Window, State = state, ShardId = kinesisEvent.ShardId },
                new TraceParent(default, "bench-request"),
                CancellationToken.None);
            state = response.State ?? default;
            failures += response.BatchItemFailures.Count;
        }

        return failures;
    }
}
