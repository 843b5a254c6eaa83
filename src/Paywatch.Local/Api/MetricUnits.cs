using System.Collections.Concurrent;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Api;

/// <summary>
/// The units CloudWatch keeps with a metric's data: PutMetricData's Unit (<c>None</c> when left out), and a
/// statistic asked for in another unit returns nothing, as on AWS ("If you specify a unit that does not match the data
/// collected, the results of the operation are null",
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html). A metric no one put
/// through the API (the function's own, from its EMF logs) has no unit on record here and matches any.
/// </summary>
internal sealed class MetricUnits
{
    private readonly ConcurrentDictionary<MetricKey, string> _units = new();

    /// <summary>The unit <paramref name="metric"/> was last put with.</summary>
    public void Record(MetricKey metric, string? unit) => _units[metric] = unit ?? "None";

    /// <summary>The unit on record, or null when none is.</summary>
    public string? Of(MetricKey metric) => _units.GetValueOrDefault(metric);

    /// <summary>Whether a request for <paramref name="unit"/> (null: any unit) reads <paramref name="metric"/>'s data.</summary>
    public bool Matches(MetricKey metric, string? unit) => unit is null || Of(metric) is not { } kept || kept == unit;
}
