using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.MetricMath;

namespace Paywatch.Monitoring.Metrics;

/// <summary>
/// GetMetricData over the metric store: each <c>MetricStat</c> query as a series of its statistic per period, then
/// each expression in order (one may use another's id), as alarms and dashboard widgets both read their data.
/// </summary>
public static class MetricData
{
    /// <summary>The period starts from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive).</summary>
    public static IReadOnlyList<DateTimeOffset> Timestamps(DateTimeOffset start, DateTimeOffset end, TimeSpan period)
    {
        var timestamps = new List<DateTimeOffset>();
        for (var p = start; p < end; p += period)
        {
            timestamps.Add(p);
        }

        return timestamps;
    }

    /// <param name="period">The period of every query that does not give its own.</param>
    /// <returns>Every query's series by id; a metric query's series holds only the periods that have datapoints.</returns>
    /// <exception cref="InvalidMetricMathException">An expression names an unknown id or cannot be evaluated.</exception>
    public static Dictionary<string, MetricSeries> Read(
        MetricStore store, IReadOnlyList<MetricDataQuery> queries, DateTimeOffset start, DateTimeOffset end, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(queries);
        var series = new Dictionary<string, MetricSeries>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            if (query.Metric is { } key && query.Stat is { } stat)
            {
                var own = query.Period is { } seconds ? TimeSpan.FromSeconds(seconds) : period;
                var points = store.GetStatistics(key, start, end, own, stat);
                series[query.Id] = new MetricSeries([.. points.Select(p => p.Timestamp)], [.. points.Select(p => p.Value)], own);
            }
        }

        var timestamps = Timestamps(start, end, period);
        foreach (var query in queries.Where(q => q.Expression is not null))
        {
            series[query.Id] = query.Expression!.Evaluate(series, timestamps);
        }

        return series;
    }
}
