using System.Diagnostics;
using System.Globalization;
using Paywatch.Aws.Kinesis;
using Paywatch.Aws.Signing;
using Paywatch.Aws.TestSupport;
using Paywatch.Local;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// The local twin under a long load, as <c>paywatch up</c> runs it: transactions sent with PutRecords over HTTP in
/// steps, each step waited on until the mapping has completed it, then the process's memory sampled. Memory that
/// stays flat from step to step shows every store is bounded (log store, trace store, metric store, the stream's
/// in-memory index, the DLQ, the bus). The records are generated as they are sent, so the sender holds only the
/// requests in flight; the twin and the sender share the process (RSS counts both).
/// </summary>
internal static class TwinSoakBenchmark
{
    public static async Task RunAsync(long records, int step)
    {
        var data = Directory.CreateTempSubdirectory("paywatch-bench-soak-").FullName;
        var config = Path.Combine(Repository.Root, "config");
        try
        {
            var generator = new TrafficGenerator(seed: 17, start: DateTimeOffset.UtcNow);
            await using var twin = await LocalTwin.StartAsync(new LocalTwinSettings { DataDirectory = data, Port = 0 }, config, [], TimeProvider.System);
            using var http = new HttpClient();
            var client = KinesisPutRecordsClient.Create(http, new AwsCredentials("bench", "bench"), twin.Settings.Region, twin.Settings.StreamName, twin.Api.Url);
            Console.WriteLine("records      seconds   tx/s (step)   managed heap MiB   GC heap MiB   RSS MiB   log store MiB   trace spans   metric series   DLQ");
            Sample(twin, 0, TimeSpan.Zero, 0);
            var started = Stopwatch.GetTimestamp();
            long acknowledged = 0;
            while (acknowledged < records)
            {
                var count = (int)Math.Min(step, records - acknowledged);
                var stepStarted = Stopwatch.GetTimestamp();
                acknowledged += await TwinThroughputBenchmark.SendAsync(
                    client, generator.Generate(count).Select(t => new KinesisRecord(t.Utf8Json, t.PartitionKey)));
                await TwinThroughputBenchmark.WaitForAsync(twin, acknowledged);
                Sample(twin, acknowledged, Stopwatch.GetElapsedTime(started), count / Stopwatch.GetElapsedTime(stepStarted).TotalSeconds);
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>One row: the live managed heap after a full, compacting collection, the GC's committed heap and the RSS.</summary>
    private static void Sample(LocalTwin twin, long records, TimeSpan elapsed, double rate)
    {
        var live = GC.GetTotalMemory(forceFullCollection: true);
        var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
        using var process = Process.GetCurrentProcess();
        const double MiB = 1024 * 1024;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{records,10:N0}  {elapsed.TotalSeconds,8:F0}  {rate,11:N0}  {live / MiB,17:F1}  {heap / MiB,12:F1}  {process.WorkingSet64 / MiB,8:F0}  {twin.Logs.Bytes / MiB,14:F1}  {twin.Traces.Spans().Count,12:N0}  {twin.Metrics.ListMetrics().Count,14:N0}  {twin.DeadLetterQueue.Count,4:N0}"));
    }
}
