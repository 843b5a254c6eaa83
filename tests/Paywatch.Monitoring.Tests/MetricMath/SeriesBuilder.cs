using Paywatch.Monitoring.MetricMath;

namespace Paywatch.Monitoring.Tests.MetricMath;

/// <summary>Series on a one-minute grid, written as the AWS guide writes them: values, with null for "-".</summary>
internal static class SeriesBuilder
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public static DateTimeOffset[] Grid(int length) => [.. Enumerable.Range(0, length).Select(i => T0 + (i * Minute))];

    public static MetricSeries Series(params double?[] values)
    {
        var times = new List<DateTimeOffset>();
        var points = new List<double>();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } v)
            {
                times.Add(T0 + (i * Minute));
                points.Add(v);
            }
        }

        return new MetricSeries(times, points, Minute);
    }

    /// <summary>The result on the grid, null where it has no datapoint.</summary>
    public static double?[] OnGrid(MetricSeries series, int length) =>
        [.. Grid(length).Select(t => series.TryGetValue(t, out var v) ? v : (double?)null)];

    public static double?[] Evaluate(string expression, int length, params (string Id, MetricSeries Series)[] metrics) =>
        OnGrid(
            MetricMathExpression.Parse(expression).Evaluate(metrics.ToDictionary(m => m.Id, m => m.Series, StringComparer.Ordinal), Grid(length)),
            length);
}
