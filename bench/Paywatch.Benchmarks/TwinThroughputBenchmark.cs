using System.Diagnostics;
using System.Globalization;
using Paywatch.Aws.Kinesis;
using Paywatch.Aws.Signing;
using Paywatch.Aws.TestSupport;
using Paywatch.Local;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// The local twin end to end, as <c>paywatch up</c> runs it (durability on, 100 % tracing, Terraform's mapping
/// settings): generated transactions sent with PutRecords over HTTP as fast as they are acknowledged, and the time
/// until the mapping has completed every one (processed, logged, measured and routed by the bus).
/// </summary>
internal static class TwinThroughputBenchmark
{
    public static async Task RunAsync(int records)
    {
        var data = Directory.CreateTempSubdirectory("paywatch-bench-twin-").FullName;
        var config = Path.Combine(Repository.Root, "config");
        try
        {
            var batch = new TrafficGenerator(seed: 11, start: DateTimeOffset.UtcNow).Generate(records).Select(t => new KinesisRecord(t.Utf8Json, t.PartitionKey)).ToList();
            await using var twin = await LocalTwin.StartAsync(new LocalTwinSettings { DataDirectory = data, Port = 0 }, config, [], TimeProvider.System);
            using var http = new HttpClient();
            var client = KinesisPutRecordsClient.Create(http, new AwsCredentials("bench", "bench"), twin.Settings.Region, twin.Settings.StreamName, twin.Api.Url);

            var started = Stopwatch.GetTimestamp();
            var acknowledged = 0;
            await Parallel.ForEachAsync(batch.Chunk(KinesisPutRecordsClient.MaxRecordsPerRequest), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (chunk, ct) =>
            {
                var outcome = await client.PutRecordsAsync(chunk, ct);
                Interlocked.Add(ref acknowledged, outcome.Acknowledged);
            });
            var ingested = Stopwatch.GetElapsedTime(started);
            while (twin.Mapping.RecordsCompleted < acknowledged)
            {
                await Task.Delay(5);
            }

            var processed = Stopwatch.GetElapsedTime(started);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{records:N0} records: acknowledged {acknowledged:N0} in {ingested.TotalSeconds:F2} s ({acknowledged / ingested.TotalSeconds:N0}/s ingest); all processed after {processed.TotalSeconds:F2} s ({acknowledged / processed.TotalSeconds:N0} tx/s end to end); routed {twin.Bus.Statistics.EventsMatched:N0}, DLQ {twin.DeadLetterQueue.Count}"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

}
