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
        _events = HandlerBenchmarks.WindowedBatches(Records, BatchSize);
        _daemon = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _daemon.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _exporter = new XRayExporter((IPEndPoint)_daemon.LocalEndPoint!, "bench");
        _tracing = FunctionTracing.Start("bench", TraceModes.Parse(Mode), [new SimpleActivityExportProcessor(_exporter)]);
        var options = new ProcessorOptions();
        var routing = new RuleRoutingPolicy(RuleSet.Compile(ShippedRules.Load()), options.EventSource, options.DetailType, PublishMode.Matched);
        _handler = new KinesisBatchHandler(
            options, new CountingPublisher(), routing, new EmfMetricsWriter(Stream.Null), new DiscardingLogWriter(), TimeProvider.System, _tracing.Processor);

        // Two seconds of the workload before BenchmarkDotNet's own warm-up: without it the first mode measured (three
        // warm-up iterations of a short job) still ran partly on tier-0 code and read about 20 % high, with an error
        // wider than the mean.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(2))
        {
            ProcessRecord().GetAwaiter().GetResult();
        }
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
    public Task<int> ProcessRecord() => HandlerBenchmarks.HandleWindowAsync(_handler, _events, new TraceParent(default, "bench-request"));
}
