using Paywatch.Monitoring.Metrics;

namespace Paywatch.Monitoring.Tests.Metrics;

/// <summary>
/// What a store hands its keeper to come back after a restart: the buckets that changed, whole, and a store given them
/// back answers every statistic as the first one did.
/// </summary>
public sealed class MetricStoreChangesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly MetricKey Latency = new("Paywatch/Transactions", "ProcessingLatency", [KeyValuePair.Create("Environment", "prod")]);
    private static readonly MetricKey Fast = new("Custom", "Fast");

    [Fact]
    public void Only_the_buckets_that_changed_since_the_last_take_are_taken()
    {
        var store = new MetricStore(TimeSpan.FromHours(3));
        store.Put(Latency, T0, 1);
        store.TrackChanges();
        Assert.Empty(store.TakeChangedBuckets());

        store.Put(Latency, T0.AddSeconds(5), 2);
        store.Put(Latency, T0.AddSeconds(6), 3);
        store.Put(Latency, T0.AddMinutes(1), 4);
        var changed = store.TakeChangedBuckets();

        // Two buckets, each whole: minute 0 holds the sample put before the tracking began too.
        Assert.Equal([(T0.ToUnixTimeSeconds(), 3L, 6.0), (T0.AddMinutes(1).ToUnixTimeSeconds(), 1L, 4.0)], changed.Select(b => (b.StartSecond, b.Count, b.Sum)).Order());
        Assert.Empty(store.TakeChangedBuckets());
        store.Put(Latency, T0.AddSeconds(7), 5);
        Assert.Equal(4L, Assert.Single(store.TakeChangedBuckets()).Count);
    }

    [Fact]
    public void A_store_given_back_its_buckets_answers_every_statistic_as_before()
    {
        var store = new MetricStore(TimeSpan.FromHours(3));
        store.TrackChanges();
        var random = new Random(7);
        for (var i = 0; i < 5_000; i++)
        {
            store.Put(Latency, T0.AddSeconds(random.Next(600)), random.NextDouble() * 1_000 - 100);
            store.Put(Fast, T0.AddSeconds(random.Next(600)), random.Next(50), highResolution: true);
        }

        // Taken in two goes, the later state of a bucket given after the earlier: the later wins.
        var first = store.TakeChangedBuckets();
        store.Put(Latency, T0.AddSeconds(1), 5_000);
        var second = store.TakeChangedBuckets();
        var restored = new MetricStore(TimeSpan.FromHours(3));
        Assert.Equal(0, restored.Restore([.. first, .. second]));

        string[] statistics = ["SampleCount", "Sum", "Average", "Minimum", "Maximum", "p50", "p99", "p99.9"];
        foreach (var (key, period) in new[] { (Latency, 60), (Latency, 300), (Fast, 1), (Fast, 10), (Fast, 60) })
        {
            foreach (var statistic in statistics.Select(Statistic.Parse))
            {
                Assert.Equal(
                    store.GetStatistics(key, T0, T0.AddMinutes(10), TimeSpan.FromSeconds(period), statistic),
                    restored.GetStatistics(key, T0, T0.AddMinutes(10), TimeSpan.FromSeconds(period), statistic));
            }
        }

        Assert.Equal(5_000, restored.GetStatistics(Latency, T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Maximum).Single().Value);
        Assert.Equal(store.ListMetrics().Order(Comparer<MetricKey>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()))), restored.ListMetrics().Order(Comparer<MetricKey>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()))));
    }

    [Fact]
    public void Restored_buckets_older_than_the_retention_are_dropped_and_the_series_limit_holds()
    {
        var store = new MetricStore(TimeSpan.FromHours(3));
        store.TrackChanges();
        store.Put(Latency, T0, 1);
        store.Put(Latency, T0.AddHours(4), 2);
        store.Put(Fast, T0.AddHours(4), 3);

        var restored = new MetricStore(TimeSpan.FromHours(3), maxSeries: 1);
        var refused = restored.Restore(store.TakeChangedBuckets());

        Assert.Equal(1, refused);
        Assert.Empty(restored.GetStatistics(Latency, T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Sum));
        Assert.Equal(2, restored.GetStatistics(Latency, T0.AddHours(4), T0.AddHours(4).AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Sum).Single().Value);
        Assert.Empty(restored.TakeChangedBuckets());
    }

    [Fact]
    public void A_slow_trickle_over_days_is_held_to_the_retention()
    {
        var store = new MetricStore(TimeSpan.FromHours(3));
        for (var i = 0; i < 2 * 24 * 360; i++)
        {
            store.Put(Latency, T0.AddSeconds(10 * i), i);
        }

        // 17,280 values, far fewer than the 100,000 between count-driven prunes: the minute-driven one holds the bound.
        var (oldest, newest) = store.TimeRange(Latency)!.Value;
        Assert.InRange(newest - oldest, TimeSpan.FromHours(3) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(3) + TimeSpan.FromMinutes(1));
    }
}
