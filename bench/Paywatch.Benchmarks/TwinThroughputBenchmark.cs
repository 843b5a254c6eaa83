using System.Diagnostics;
using System.Globalization;
using Paywatch.Aws.Kinesis;
using Paywatch.Aws.Signing;
using Paywatch.Aws.TestSupport;
using Paywatch.Local;
using Paywatch.Monitoring.Metrics;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// The local twin end to end, as <c>paywatch up</c> runs it (durability on, 100 % tracing, Terraform's mapping
/// settings): generated transactions sent with PutRecords over HTTP as fast as they are acknowledged, and the time
/// until the mapping has completed every one (processed, logged, measured and routed by the bus).
/// </summary>
internal static class TwinThroughputBenchmark
{
    private const int WarmUpRecords = 200_000;

    public static async Task RunAsync(int records)
    {
        var data = Directory.CreateTempSubdirectory("paywatch-bench-twin-").FullName;
        var config = Path.Combine(Repository.Root, "config");
        try
        {
            var generator = new TrafficGenerator(seed: 11, start: DateTimeOffset.UtcNow);
            var warmUp = Records(generator, WarmUpRecords);
            var measured = Records(generator, records);
            await using var twin = await LocalTwin.StartAsync(new LocalTwinSettings { DataDirectory = data, Port = 0 }, config, [], TimeProvider.System);
            using var http = new HttpClient();
            var client = KinesisPutRecordsClient.Create(http, new AwsCredentials("bench", "bench"), twin.Settings.Region, twin.Settings.StreamName, twin.Api.Url);

            // Sustained throughput is the steady state's: the JIT's tiering settles during a first, unmeasured load.
            var warmedUp = await SendAsync(client, warmUp);
            await WaitForAsync(twin, warmedUp);
            var routedBefore = twin.Bus.Statistics.EventsMatched;
            var invocationsBefore = Invocations(twin);

            var started = Stopwatch.GetTimestamp();
            var acknowledged = await SendAsync(client, measured);
            var ingested = Stopwatch.GetElapsedTime(started);
            await WaitForAsync(twin, warmedUp + acknowledged);
            var processed = Stopwatch.GetElapsedTime(started);
            var invocations = Invocations(twin) - invocationsBefore;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{records:N0} records after {WarmUpRecords:N0} to warm up: acknowledged {acknowledged:N0} in {ingested.TotalSeconds:F2} s ({acknowledged / ingested.TotalSeconds:N0}/s ingest); all processed after {processed.TotalSeconds:F2} s ({acknowledged / processed.TotalSeconds:N0} tx/s end to end); routed {twin.Bus.Statistics.EventsMatched - routedBefore:N0}, DLQ {twin.DeadLetterQueue.Count}; {invocations:N0} invocations ({acknowledged / invocations:F1} records each)"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static List<KinesisRecord> Records(TrafficGenerator generator, int count) =>
        [.. generator.Generate(count).Select(t => new KinesisRecord(t.Utf8Json, t.PartitionKey))];

    /// <summary>PutRecords as fast as the twin acknowledges, eight requests in flight; returns the records acknowledged.</summary>
    /// <param name="records">Read as they are sent: a lazy sequence keeps only the requests in flight in memory.</param>
    internal static async Task<int> SendAsync(KinesisPutRecordsClient client, IEnumerable<KinesisRecord> records)
    {
        var acknowledged = 0;
        await Parallel.ForEachAsync(records.Chunk(KinesisPutRecordsClient.MaxRecordsPerRequest), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (chunk, ct) =>
        {
            var outcome = await client.PutRecordsAsync(chunk, ct);
            Interlocked.Add(ref acknowledged, outcome.Acknowledged);
        });
        return acknowledged;
    }

    internal static async Task WaitForAsync(LocalTwin twin, long completed)
    {
        while (twin.Mapping.RecordsCompleted < completed)
        {
            await Task.Delay(5);
        }
    }

    private static double Invocations(LocalTwin twin) => twin.Metrics.ListMetrics("AWS/Lambda", "Invocations")
        .Where(key => key.Dimensions.Count == 1)
        .Sum(key => twin.Metrics.GetStatistics(key, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1), TimeSpan.FromHours(1), Statistic.Sum).Sum(d => d.Value));
}
