using System.Diagnostics;
using System.Globalization;
using Paywatch.Aws.TestSupport;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Local.Bus;
using Paywatch.Local.Functions;
using Paywatch.Local.Notifications;
using Paywatch.Local.Telemetry;
using Paywatch.Monitoring.Metrics;
using Paywatch.Patterns;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// The twin's processor function, one invocation at a time, with its ports added one by one (discarding ports, then the
/// bus, the metric and log stores, the trace store): what each stage costs per record, side by side in one process.
/// </summary>
internal static class TwinStagesBenchmark
{
    private const int BatchSize = 100;

    /// <summary>Invocations at once: as many as the mapping runs (environment variable PAYWATCH_BENCH_LANES, default 1).</summary>
    private static readonly int Lanes = int.Parse(Environment.GetEnvironmentVariable("PAYWATCH_BENCH_LANES") ?? "1", CultureInfo.InvariantCulture);

    public static async Task RunAsync(int records)
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
            var bus = new LocalEventBus(options.EventBusName, "local", rules, topic, time, metrics);
            var stages = new (string Name, Func<ProcessorFunction> Create, int Traced)[]
            {
                ("discarding ports", () => new ProcessorFunction(options, rules, PublishMode.Matched, new CountingPublisher(), new DiscardingMetricsWriter(), new DiscardingLogWriter(), time), 0),
                ("+ event bus", () => new ProcessorFunction(options, rules, PublishMode.Matched, bus, new DiscardingMetricsWriter(), new DiscardingLogWriter(), time), 0),
                ("+ metric store (EMF)", () => new ProcessorFunction(options, rules, PublishMode.Matched, bus, new MetricStoreWriter(metrics, logs), new DiscardingLogWriter(), time), 0),
                ("+ log store", () => new ProcessorFunction(options, rules, PublishMode.Matched, bus, new MetricStoreWriter(metrics, logs), logs, time), 0),
                ("+ spans, not kept", () => new ProcessorFunction(options, rules, PublishMode.Matched, bus, new MetricStoreWriter(metrics, logs), logs, time), 1),
                ("+ trace store", () => new ProcessorFunction(options, rules, PublishMode.Matched, bus, new MetricStoreWriter(metrics, logs), logs, time), 2),
            };
            for (var round = 0; round < 3; round++)
            {
                foreach (var (name, create, traced) in stages)
                {
                    using var traces = traced == 2 ? new TraceStore() : null;
                    using var listener = traced == 1 ? new System.Diagnostics.ActivityListener
                    {
                        ShouldListenTo = source => source.Name == ProcessorTelemetry.ActivitySourceName,
                        Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                    } : null;
                    if (listener is not null)
                    {
                        ActivitySource.AddActivityListener(listener);
                    }

                    using var function = create();
                    var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
                    var cpu = Environment.CpuUsage.TotalTime;
                    var started = Stopwatch.GetTimestamp();
                    await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Lanes }, async (batch, ct) => await function.InvokeAsync(batch, ct));
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    var cpuPerRecord = (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / records;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round} {name,-24} {elapsed.TotalMicroseconds / records,6:F2} µs/record, {cpuPerRecord,6:F2} µs CPU ({records / elapsed.TotalSeconds,9:N0}/s); GC {GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3}, paused {(GC.GetTotalPauseDuration() - gcs.Item4).TotalMilliseconds:F0} ms"));
                }
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
