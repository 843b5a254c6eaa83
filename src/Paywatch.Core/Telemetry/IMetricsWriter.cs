namespace Paywatch.Core.Telemetry;

/// <summary>The port metrics leave the processor by: EMF on stdout in Lambda, the metric store in the local twin.</summary>
public interface IMetricsWriter
{
    void Write(string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets);
}
