using Paywatch.Monitoring.Metrics;

namespace Paywatch.Monitoring.Tests.Metrics;

public sealed class MetricStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly MetricKey Latency = new("Paywatch/Transactions", "ProcessingLatency", [KeyValuePair.Create("Environment", "prod")]);

    [Fact]
    public void Statistics_per_period_are_computed_from_every_sample_in_the_period()
    {
        var store = new MetricStore(TimeSpan.FromHours(3));
        // Minute 0: 1, 2, 3; minute 1: 10; minute 3: 4, 4 (minute 2 has none).
        store.Put(Latency, T0.AddSeconds(5), 1);
        store.Put(Latency, T0.AddSeconds(30), 2);
        store.Put(Latency, T0.AddSeconds(59), 3);
        store.Put(Latency, T0.AddSeconds(61), 10);
        store.Put(Latency, T0.AddMinutes(3), 4, count: 2);

        var minutes = store.GetStatistics(Latency, T0, T0.AddMinutes(4), TimeSpan.FromMinutes(1), Statistic.Sum);
        Assert.Equal([(T0, 6.0), (T0.AddMinutes(1), 10.0), (T0.AddMinutes(3), 8.0)], minutes.Select(d => (d.Timestamp, d.Value)));

        var fiveMinutes = TimeSpan.FromMinutes(5);
        Assert.Equal(24.0, Assert.Single(store.GetStatistics(Latency, T0, T0.AddMinutes(5), fiveMinutes, Statistic.Sum)).Value);
        Assert.Equal(6.0, Assert.Single(store.GetStatistics(Latency, T0, T0.AddMinutes(5), fiveMinutes, Statistic.SampleCount)).Value);
        Assert.Equal(4.0, Assert.Single(store.GetStatistics(Latency, T0, T0.AddMinutes(5), fiveMinutes, Statistic.Average)).Value);
        Assert.Equal(1.0, Assert.Single(store.GetStatistics(Latency, T0, T0.AddMinutes(5), fiveMinutes, Statistic.Minimum)).Value);
        Assert.Equal(10.0, Assert.Single(store.GetStatistics(Latency, T0, T0.AddMinutes(5), fiveMinutes, Statistic.Maximum)).Value);
        // Sorted: 1 2 3 4 4 10; nearest rank of p50 is the 3rd value.
        Assert.Equal(3.0, Assert.Single(store.GetStatistics(Latency, T0, T0.AddMinutes(5), fiveMinutes, Statistic.Parse("p50"))).Value, 0.03);
        Assert.Equal(10.0, Assert.Single(store.GetStatistics(Latency, T0, T0.AddMinutes(5), fiveMinutes, Statistic.Parse("p100"))).Value);
    }

    [Fact]
    public void Dimension_order_does_not_make_another_metric()
    {
        var a = new MetricKey("N", "M", [KeyValuePair.Create("A", "1"), KeyValuePair.Create("B", "2")]);
        var b = new MetricKey("N", "M", [KeyValuePair.Create("B", "2"), KeyValuePair.Create("A", "1")]);

        Assert.Equal(a, b);
        Assert.NotEqual(a, new MetricKey("N", "M", [KeyValuePair.Create("A", "1")]));
    }

    [Fact]
    public void High_resolution_metrics_keep_one_second_buckets()
    {
        var store = new MetricStore(TimeSpan.FromHours(1));
        store.Put(Latency, T0.AddSeconds(1), 5, highResolution: true);
        store.Put(Latency, T0.AddSeconds(12), 7, highResolution: true);

        var tenSeconds = store.GetStatistics(Latency, T0, T0.AddSeconds(20), TimeSpan.FromSeconds(10), Statistic.Sum);
        Assert.Equal([5.0, 7.0], tenSeconds.Select(d => d.Value));
    }

    [Fact]
    public void Memory_is_bounded_by_retention_and_the_series_limit()
    {
        var store = new MetricStore(TimeSpan.FromMinutes(10), maxSeries: 2);
        Assert.True(store.Put(new MetricKey("N", "A"), T0, 1));
        Assert.True(store.Put(new MetricKey("N", "B"), T0, 1));
        Assert.False(store.Put(new MetricKey("N", "C"), T0, 1));
        Assert.False(store.Put(new MetricKey("N", "A"), T0, double.NaN));
        Assert.Equal(2, store.RejectedDatapoints);

        for (var i = 0; i < 100_000; i++)
        {
            store.Put(new MetricKey("N", "A"), T0.AddHours(1), 1);
        }

        Assert.Empty(store.GetStatistics(new MetricKey("N", "B"), T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Sum));
    }

    [Theory]
    [InlineData("p99", 0.99)]
    [InlineData("p99.9", 0.999)]
    [InlineData("p0", 0)]
    [InlineData("p100", 1)]
    public void Percentile_statistics_parse(string text, double quantile)
    {
        Assert.Equal(quantile, Statistic.Parse(text).Percentile!.Value, 10);
    }

    [Theory]
    [InlineData("p101")]
    [InlineData("p99.999")]
    [InlineData("average")]
    [InlineData("tm99")]
    public void Unknown_statistics_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => Statistic.Parse(text));
    }
}
