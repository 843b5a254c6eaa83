using System.Text;
using BenchmarkDotNet.Attributes;
using Paywatch.Aws.Emf;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Monitoring.Metrics;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// EMF ingestion into the metric store: the EMF documents the processor writes for generated traffic (the
/// default mix, batches of 100 records), extracted as CloudWatch Logs would and stored with their percentiles'
/// sketches. One operation ingests all the documents; <c>--count-datapoints</c> prints how many datapoints that
/// is, to turn the time into datapoints per second.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MetricStoreBenchmarks
{
    private byte[][] _documents = [];

    [GlobalSetup]
    public void Setup()
    {
        using var emf = new MemoryStream();
        var arrival = DateTimeOffset.UtcNow;
        using (var handler = new KinesisBatchHandler(
            new ProcessorOptions(), new CountingPublisher(), PublishAllPolicy.Instance, new EmfMetricsWriter(emf), new DiscardingLogWriter(), TimeProvider.System))
        {
            foreach (var batch in new TrafficGenerator(seed: 2).Generate(10_000).Chunk(100))
            {
                var records = batch.Select((r, i) => KinesisEventRecord.FromData(r.Utf8Json, $"{i + 1:D21}", r.PartitionKey, arrival)).ToArray();
                handler.HandleAsync(new KinesisEvent { Records = records, ShardId = "shardId-000000000000" }, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
        }

        _documents = [.. Encoding.UTF8.GetString(emf.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Encoding.UTF8.GetBytes)];
    }

    public int Documents => _documents.Length;

    [Benchmark]
    public int IngestEmf() => Ingest(new MetricStore(TimeSpan.FromHours(3)));

    /// <summary>
    /// As the twin ingests since its metrics are kept across restarts: the store tracks the buckets that change
    /// (each write marks its bucket once), for the save every 10 s to take.
    /// </summary>
    [Benchmark]
    public int IngestEmfTrackingChanges()
    {
        var store = new MetricStore(TimeSpan.FromHours(3));
        store.TrackChanges();
        return Ingest(store);
    }

    /// <summary>The save's part under the store's lock: ingest as above, then take every changed bucket whole.</summary>
    [Benchmark]
    public int IngestEmfThenTakeChangedBuckets()
    {
        var store = new MetricStore(TimeSpan.FromHours(3));
        store.TrackChanges();
        return Ingest(store) + store.TakeChangedBuckets().Count;
    }

    private int Ingest(MetricStore store)
    {
        var total = 0;
        foreach (var document in _documents)
        {
            total += EmfIngestor.Ingest(document, store).Datapoints;
        }

        return total;
    }
}
