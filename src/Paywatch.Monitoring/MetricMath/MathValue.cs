namespace Paywatch.Monitoring.MetricMath;

/// <summary>
/// What a sub-expression produces, in the AWS documentation's terms: S (a scalar), TS (a time series) or TS[]
/// (an array of time series). Series are aligned to the evaluation's timestamps; null is a missing datapoint.
/// </summary>
internal abstract class MathValue;

internal sealed class ScalarValue(double value) : MathValue
{
    public double Value { get; } = value;
}

internal sealed class SeriesValue(double?[] points) : MathValue
{
    public double?[] Points { get; } = points;
}

internal sealed class SeriesArrayValue(IReadOnlyList<SeriesValue> items) : MathValue
{
    public IReadOnlyList<SeriesValue> Items { get; } = items;
}
