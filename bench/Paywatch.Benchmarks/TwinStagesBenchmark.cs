using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using Paywatch.Aws.TestSupport;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Function;
using Paywatch.Local.Bus;
using Paywatch.Local.Functions;
using Paywatch.Local.Notifications;
using Paywatch.Local.Telemetry;
using Paywatch.Monitoring.Metrics;
using Paywatch.Patterns;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// The twin's function (the Lambda's <see cref="TransactionFunction"/> in the twin's function host) with its ports added one by one (discarding ports, then the bus, the metric and log
/// stores, the processor's spans, the trace store): what each stage costs per record, wall and CPU time, with the GCs
/// it caused, side by side in one process. Three rounds; the first warms the JIT. The events carry an empty window
/// state, so the cost of a full state is not in these figures (the end-to-end benchmark has it).
/// </summary>
internal static class TwinStagesBenchmark
{
    private const int BatchSize = 100;

    private enum Tracing
    {
        None,
        SpansNotKept,
        TraceStore,
    }

    /// <param name="records">Transactions per stage and round.</param>
    /// <param name="lanes">Invocations at once (the twin's mapping runs 10: 5 shards at parallelization factor 2).</param>
    public static async Task RunAsync(int records, int lanes)
    {
        var rules = RuleDefinition.LoadDirectory(Path.Combine(Repository.Root, "config", "rules"));
        var time = TimeProvider.System;
        var batches = new TrafficGenerator(seed: 11, start: DateTimeOffset.UtcNow).Generate(records)
            .Chunk(BatchSize)
            .Select(chunk => KinesisEvents.Build(chunk.Select(t => t.Utf8Json), DateTimeOffset.UtcNow))
            .ToArray();
        var data = Directory.CreateTempSubdirectory("paywatch-bench-stages-").FullName;
        try
        {
            var options = new ProcessorOptions { Environment = "local", EventBusName = "paywatch-transactions-local" };
            await using var topic = new LocalTopic("alerts", "us-east-1", "000000000000", [], time);
            var metrics = new MetricStore(TimeSpan.FromHours(3));
            using var logs = new LogStore(Path.Combine(data, "logs"), "/aws/lambda/bench");
            var targets = RuleTargets.Load(
                new Paywatch.Monitoring.ConfigDirectory(Path.Combine(Repository.Root, "config")),
                new Dictionary<string, string>(StringComparer.Ordinal) { ["environment"] = "local", ["alerts_topic_arn"] = topic.TopicArn });
            var bus = new LocalEventBus(options.EventBusName, targets, rules, topic, time, metrics);
            var compiled = RuleSet.Compile(rules);
            var stages = new (string Name, IEventPublisher Publisher, IMetricsWriter Metrics, ILogWriter Logs, Tracing Tracing)[]
            {
                ("discarding ports", new CountingPublisher(), new DiscardingMetricsWriter(), new DiscardingLogWriter(), Tracing.None),
                ("+ event bus", bus, new DiscardingMetricsWriter(), new DiscardingLogWriter(), Tracing.None),
                ("+ metric store (EMF)", bus, new MetricStoreWriter(metrics, logs), new DiscardingLogWriter(), Tracing.None),
                ("+ log store", bus, new MetricStoreWriter(metrics, logs), logs, Tracing.None),
                ("+ spans, not kept", bus, new MetricStoreWriter(metrics, logs), logs, Tracing.SpansNotKept),
                ("+ trace store", bus, new MetricStoreWriter(metrics, logs), logs, Tracing.TraceStore),
            };
            for (var round = 0; round < 3; round++)
            {
                foreach (var (name, publisher, metricsWriter, logWriter, tracingStage) in stages)
                {
                    var settings = new FunctionSettings(options, PublishMode.Matched, "bench");
                    using var tracing = tracingStage switch
                    {
                        Tracing.SpansNotKept => FunctionTracing.Start("bench", TraceMode.Invocation, [new SimpleActivityExportProcessor(new DiscardingExporter())]),
                        Tracing.TraceStore => FunctionTracing.Start("bench", TraceMode.Invocation, [new TraceStoreProcessor(new TraceStore())]),
                        _ => FunctionTracing.Off,
                    };
                    using var function = new LocalFunctionHost(
                        new LocalFunctionOptions { ReservedConcurrency = lanes },
                        () => new TransactionFunction(settings, compiled, publisher, metricsWriter, logWriter, tracing, time, TimeSpan.Zero),
                        metrics,
                        time);
                    var gcs = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2), Paused: GC.GetTotalPauseDuration());
                    var cpu = Environment.CpuUsage.TotalTime;
                    var started = Stopwatch.GetTimestamp();
                    await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = lanes }, async (batch, ct) => await function.InvokeAsync(batch, ct));
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    var cpuPerRecord = (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / records;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round} {name,-24} {elapsed.TotalMicroseconds / records,6:F2} µs/record, {cpuPerRecord,6:F2} µs CPU ({records / elapsed.TotalSeconds,9:N0}/s); GCs gen0/1/2 {GC.CollectionCount(0) - gcs.Gen0}/{GC.CollectionCount(1) - gcs.Gen1}/{GC.CollectionCount(2) - gcs.Gen2}, paused {(GC.GetTotalPauseDuration() - gcs.Paused).TotalMilliseconds:F0} ms"));
                }
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Spans recorded by the pipeline and handed to an exporter that keeps nothing: the cost of the spans alone.</summary>
    private sealed class DiscardingExporter : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
    }
}
