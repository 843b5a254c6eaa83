namespace Paywatch.Monitoring.MetricMath;

/// <summary>SUM, AVG, MIN and MAX.</summary>
/// <remarks>
/// Per the functions table: over a single time series they return a scalar computed from its datapoints; over an
/// array of time series they return one series, aggregating the array per timestamp. The table says for AVG
/// "Missing values are treated as 0"; we apply that to all four, as the basic arithmetic rule does: at a
/// timestamp where some series of the array has a datapoint, the others count as 0, and where none has one the
/// result has none. A scalar over a series with no datapoints is undefined (NaN), so any datapoint computed
/// from it is dropped.
/// </remarks>
internal sealed class AggregateNode(string name, MathNode argument) : MathNode
{
    public override MathValue Evaluate(EvaluationContext context) => argument.Evaluate(context) switch
    {
        SeriesValue s => new ScalarValue(Aggregate([.. s.Points.OfType<double>()])),
        SeriesArrayValue a => PerTimestamp(a, context.Length),
        _ => throw new InvalidMetricMathException($"{name} takes a time series or an array of time series, not a number", position: null),
    };

    private SeriesValue PerTimestamp(SeriesArrayValue array, int length)
    {
        var result = new double?[length];
        for (var i = 0; i < length; i++)
        {
            if (array.Items.Any(s => s.Points[i] is not null))
            {
                var value = Aggregate([.. array.Items.Select(s => s.Points[i] ?? 0)]);
                result[i] = double.IsFinite(value) ? value : null;
            }
        }

        return new SeriesValue(result);
    }

    private double Aggregate(double[] values) => name switch
    {
        "SUM" => values.Sum(),
        _ when values.Length == 0 => double.NaN,
        "AVG" => values.Average(),
        "MIN" => values.Min(),
        "MAX" => values.Max(),
        _ => throw new InvalidOperationException($"Unknown aggregate {name}."),
    };
}
