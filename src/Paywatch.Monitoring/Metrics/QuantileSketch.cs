namespace Paywatch.Monitoring.Metrics;

/// <summary>
/// A mergeable sketch of a distribution for percentiles, with a guaranteed relative error: every percentile it
/// returns is within <see cref="RelativeAccuracy"/> (1 %) of a value actually at that rank. Values fall into
/// logarithmic buckets (bucket i holds values in (γ^(i-1), γ^i], γ = (1+α)/(1−α)), so memory grows with the
/// range of the values (a few hundred buckets for latencies from 1 µs to an hour), not with their number.
/// </summary>
/// <remarks>
/// This is the DDSketch construction (Masson, Rim and Lee, VLDB 2019). HdrHistogram, which the package mirror
/// also has, needs non-negative integers and a fixed, much larger array per histogram; a store holding one sketch
/// per metric and minute needs the sparse form. Merging two sketches adds their buckets, so percentiles of a
/// five-minute period come from the minute sketches exactly as if recorded together.
/// </remarks>
internal sealed class QuantileSketch
{
    public const double RelativeAccuracy = 0.01;

    // Values closer to zero than this share the zero bucket (they are below any metric's meaningful precision).
    private const double MinIndexable = 1e-9;

    private static readonly double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double LogGamma = Math.Log(Gamma);

    private readonly Dictionary<int, long> _positive = [];
    private readonly Dictionary<int, long> _negative = [];
    private long _zero;

    public long Count { get; private set; }

    public void Add(double value, long count = 1)
    {
        if (value > MinIndexable)
        {
            Increment(_positive, Index(value), count);
        }
        else if (value < -MinIndexable)
        {
            Increment(_negative, Index(-value), count);
        }
        else
        {
            _zero += count;
        }

        Count += count;
    }

    public void Merge(QuantileSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (index, count) in other._positive)
        {
            Increment(_positive, index, count);
        }

        foreach (var (index, count) in other._negative)
        {
            Increment(_negative, index, count);
        }

        _zero += other._zero;
        Count += other.Count;
    }

    /// <summary>The counts, as plain data (<see cref="MetricBucketState"/>).</summary>
    public QuantileSketchState ToState() => new(_zero, [.. _positive], [.. _negative]);

    /// <summary>A sketch holding <paramref name="state"/>'s counts.</summary>
    public static QuantileSketch FromState(QuantileSketchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var sketch = new QuantileSketch();
        foreach (var (index, count) in state.Positive)
        {
            Increment(sketch._positive, index, count);
            sketch.Count += count;
        }

        foreach (var (index, count) in state.Negative)
        {
            Increment(sketch._negative, index, count);
            sketch.Count += count;
        }

        sketch._zero = state.Zero;
        sketch.Count += state.Zero;
        return sketch;
    }

    /// <summary>The value at <paramref name="quantile"/> (0–1): the sample of rank ⌈q·n⌉ (nearest rank), within 1 %.</summary>
    public double? Quantile(double quantile)
    {
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        // Ascending order: the most negative values first (largest magnitude), then zero, then positives.
        foreach (var (index, count) in _negative.OrderByDescending(b => b.Key))
        {
            seen += count;
            if (seen >= rank)
            {
                return -Value(index);
            }
        }

        seen += _zero;
        if (seen >= rank)
        {
            return 0;
        }

        foreach (var (index, count) in _positive.OrderBy(b => b.Key))
        {
            seen += count;
            if (seen >= rank)
            {
                return Value(index);
            }
        }

        return Value(_positive.Keys.Max());
    }

    private static int Index(double magnitude) => (int)Math.Ceiling(Math.Log(magnitude) / LogGamma);

    // The point of bucket i whose relative distance to both ends of (γ^(i-1), γ^i] is at most α.
    private static double Value(int index) => 2 * Math.Pow(Gamma, index) / (Gamma + 1);

    private static void Increment(Dictionary<int, long> buckets, int index, long count) =>
        buckets[index] = buckets.GetValueOrDefault(index) + count;
}
