using Paywatch.Monitoring.Metrics;

namespace Paywatch.Monitoring.Alarms;

/// <summary>An alarm's value per period, from the metric store: its statistic, or its metric math expression.</summary>
public static class AlarmData
{
    /// <summary>One entry per period from <paramref name="start"/> to <paramref name="end"/>; null = no datapoint.</summary>
    public static IReadOnlyList<AlarmDatapoint?> Read(MetricStore store, MetricAlarmDefinition definition, DateTimeOffset start, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(definition);
        var period = TimeSpan.FromSeconds(definition.Period);
        var timestamps = MetricData.Timestamps(start, end, period);
        if (definition.Metric is { } metric && definition.Statistic is { } statistic)
        {
            var byPeriod = store.GetStatistics(metric, start, end, period, statistic).ToDictionary(d => d.Timestamp);
            return [.. timestamps.Select(t => byPeriod.TryGetValue(t, out var d) ? new AlarmDatapoint(t, d.Value, d.SampleCount) : (AlarmDatapoint?)null)];
        }

        // Metric math: every query at the alarm's period (a query's own period is for GetMetricData, not alarms).
        var series = MetricData.Read(store, [.. definition.Metrics.Select(q => q with { Period = null })], start, end, period);
        var result = series[definition.Metrics.Single(q => q.ReturnData).Id];
        return [.. timestamps.Select(t => result.TryGetValue(t, out var v) ? new AlarmDatapoint(t, v, 1) : (AlarmDatapoint?)null)];
    }
}
