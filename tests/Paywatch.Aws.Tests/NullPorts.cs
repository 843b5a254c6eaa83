using Paywatch.Core.Telemetry;

namespace Paywatch.Aws.Tests;

/// <summary>A log port that keeps nothing, for tests about other outputs of the handler.</summary>
internal sealed class NoLogs : ILogWriter
{
    public void Write(ReadOnlySpan<byte> utf8Lines)
    {
    }
}

/// <summary>A metrics port that keeps nothing.</summary>
internal sealed class NoMetrics : IMetricsWriter
{
    public void Write(string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets)
    {
    }
}
