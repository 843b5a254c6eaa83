namespace Paywatch.Monitoring.MetricMath;

/// <summary>The metrics an expression reads and the timestamps its series are aligned to.</summary>
internal sealed class EvaluationContext(IReadOnlyDictionary<string, MetricSeries> byId, IReadOnlyList<DateTimeOffset> timestamps)
{
    private readonly Dictionary<string, SeriesValue> _aligned = new(StringComparer.Ordinal);

    public IReadOnlyList<DateTimeOffset> Timestamps { get; } = timestamps;

    public int Length => Timestamps.Count;

    public IEnumerable<string> Ids => byId.Keys;

    /// <summary>The metric with this id, aligned to the timestamps; datapoints at other timestamps are ignored.</summary>
    public SeriesValue Series(string id)
    {
        if (_aligned.TryGetValue(id, out var cached))
        {
            return cached;
        }

        if (!byId.TryGetValue(id, out var series))
        {
            throw new InvalidMetricMathException($"unknown id '{id}'; no metric or expression has that id", position: null);
        }

        var points = new double?[Length];
        for (var i = 0; i < Length; i++)
        {
            if (series.TryGetValue(Timestamps[i], out var value))
            {
                points[i] = value;
            }
        }

        var aligned = new SeriesValue(points);
        _aligned[id] = aligned;
        return aligned;
    }
}
