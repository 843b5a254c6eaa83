using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;

namespace Paywatch.Benchmarks;

/// <summary>Ports that keep nothing: the handler's own cost, not a writer's or a publisher's.</summary>
internal sealed class DiscardingLogWriter : ILogWriter
{
    public void Write(ReadOnlySpan<byte> utf8Lines)
    {
    }
}

internal sealed class DiscardingMetricsWriter : IMetricsWriter
{
    public void Write(string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets)
    {
    }
}

/// <summary>Counts entries and publishes nothing.</summary>
internal sealed class CountingPublisher : IEventPublisher
{
    public long Entries { get; private set; }

    public ValueTask<PublishResult> PublishAsync(ReadOnlyMemory<EventEntry> entries, CancellationToken cancellationToken)
    {
        Entries += entries.Length;
        return ValueTask.FromResult(PublishResult.Success);
    }
}
