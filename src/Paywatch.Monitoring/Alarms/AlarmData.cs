using Paywatch.Monitoring.MetricMath;
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
        var timestamps = new List<DateTimeOffset>();
        for (var p = start; p < end; p += period)
        {
            timestamps.Add(p);
        }

        if (definition.Metric is { } metric && definition.Statistic is { } statistic)
        {
            var byPeriod = store.GetStatistics(metric, start, end, period, statistic).ToDictionary(d => d.Timestamp);
            return [.. timestamps.Select(t => byPeriod.TryGetValue(t, out var d) ? new AlarmDatapoint(t, d.Value, d.SampleCount) : (AlarmDatapoint?)null)];
        }

        // Metric math: each MetricStat as a series, then the expressions, in order (one may use another's id).
        var series = new Dictionary<string, MetricSeries>(StringComparer.Ordinal);
        foreach (var query in definition.Metrics)
        {
            if (query.Metric is { } key && query.Stat is { } stat)
            {
                var points = store.GetStatistics(key, start, end, period, stat);
                series[query.Id] = new MetricSeries([.. points.Select(p => p.Timestamp)], [.. points.Select(p => p.Value)], period);
            }
        }

        foreach (var query in definition.Metrics.Where(q => q.Expression is not null))
        {
            series[query.Id] = query.Expression!.Evaluate(series, timestamps);
        }

        var result = series[definition.Metrics.Single(q => q.ReturnData).Id];
        return [.. timestamps.Select(t => result.TryGetValue(t, out var v) ? new AlarmDatapoint(t, v, 1) : (AlarmDatapoint?)null)];
    }
}
