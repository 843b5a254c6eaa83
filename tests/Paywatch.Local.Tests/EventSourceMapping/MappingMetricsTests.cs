using Paywatch.Local.Streams;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.EventSourceMapping;

public sealed class MappingMetricsTests
{
    private static MetricKey Lambda(string name) =>
        new("AWS/Lambda", name, [new("FunctionName", "transaction-processor-local")]);

    [Fact]
    public async Task IteratorAge_is_now_minus_the_arrival_of_the_last_record_of_the_batch()
    {
        await using var fixture = new MappingFixture();
        var now = fixture.Time.GetUtcNow();
        fixture.Source.Put(MappingFixture.Shard0, "key", "a", now.AddSeconds(-45));
        fixture.Source.Put(MappingFixture.Shard0, "key", "b", now.AddSeconds(-30));

        await fixture.Mapping.PollUntilIdleAsync();

        var age = Assert.Single(fixture.Metrics.GetStatistics(Lambda("IteratorAge"), now.AddMinutes(-1), now.AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Maximum));
        Assert.Equal(30_000, age.Value);
        var invocations = Assert.Single(fixture.Metrics.GetStatistics(Lambda("Invocations"), now.AddMinutes(-1), now.AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Sum));
        Assert.Equal(1, invocations.Value);
    }

    [Fact]
    public async Task Every_read_is_reported_to_the_read_observer()
    {
        var observer = new RecordingReadObserver();
        await using var fixture = new MappingFixture();
        await using var mapping = new Paywatch.Local.EventSourceMapping.KinesisEventSourceMapping(
            fixture.Options, fixture.Source, fixture.Host, fixture.Destination, Path.Combine(fixture.Directory, "observed"), fixture.Time, observer);
        fixture.Source.Put(MappingFixture.Shard0, "key", "abc", fixture.Time.GetUtcNow().AddSeconds(-2));

        await mapping.PollUntilIdleAsync();

        Assert.Contains((MappingFixture.Shard0, 1, 3L, TimeSpan.FromSeconds(2)), observer.Reads);
        Assert.Contains((MappingFixture.Shard1, 0, 0L, TimeSpan.Zero), observer.Reads);
    }

    private sealed class RecordingReadObserver : IStreamReadMetrics
    {
        public List<(string, int, long, TimeSpan)> Reads { get; } = [];

        public void RecordRead(string shardId, int records, long bytes, TimeSpan iteratorAge)
        {
            lock (Reads)
            {
                Reads.Add((shardId, records, bytes, iteratorAge));
            }
        }
    }
}
