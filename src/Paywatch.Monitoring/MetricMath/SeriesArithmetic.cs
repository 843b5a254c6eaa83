namespace Paywatch.Monitoring.MetricMath;

/// <summary>
/// How operators combine scalars, series and arrays of series, following "Metric math syntax and functions"
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>
/// Basic arithmetic: "Missing values in a time series are treated as 0. If the value of a data point causes a
/// function to attempt to divide by zero, the data point is dropped." We read this as: a result has a datapoint
/// wherever at least one series operand has one, and a missing operand value there counts as 0; where no series
/// operand has a datapoint, the result has none (a scalar alone does not create datapoints).
/// </item>
/// <item>
/// Comparison and logical operators: "When comparison operators are used between two time series, and only one
/// of the time series has a value for a particular time stamp, the function treats the missing value in the
/// other time series as 0". They produce 1 (true) or 0 (false); AND/OR treat any non-zero value as true.
/// </item>
/// <item>
/// A result that is not a finite number (x / 0, 0 / 0, a negative base to a fractional power, overflow) is
/// dropped: CloudWatch datapoints are finite numbers.
/// </item>
/// <item>An array of series combines with a scalar or a series element by element; two arrays do not combine.</item>
/// </list>
/// </remarks>
internal static class SeriesArithmetic
{
    public static MathValue Combine(MathValue left, MathValue right, Func<double, double, double> operation) => (left, right) switch
    {
        (ScalarValue a, ScalarValue b) => new ScalarValue(operation(a.Value, b.Value)),
        (SeriesValue a, ScalarValue b) => Map(a, x => operation(x, b.Value)),
        (ScalarValue a, SeriesValue b) => Map(b, x => operation(a.Value, x)),
        (SeriesValue a, SeriesValue b) => Zip(a, b, operation),
        (SeriesArrayValue, SeriesArrayValue) => throw new InvalidMetricMathException("two arrays of time series cannot be combined with an operator", position: null),
        (SeriesArrayValue a, _) => new SeriesArrayValue([.. a.Items.Select(s => (SeriesValue)Combine(s, right, operation))]),
        (_, SeriesArrayValue b) => new SeriesArrayValue([.. b.Items.Select(s => (SeriesValue)Combine(left, s, operation))]),
        _ => throw new InvalidOperationException("Unknown value kind."),
    };

    /// <summary>Applies a function to every datapoint of a scalar, a series or each series of an array.</summary>
    public static MathValue Apply(MathValue value, Func<double, double> function) => value switch
    {
        ScalarValue s => new ScalarValue(function(s.Value)),
        SeriesValue s => Map(s, function),
        SeriesArrayValue a => new SeriesArrayValue([.. a.Items.Select(s => Map(s, function))]),
        _ => throw new InvalidOperationException("Unknown value kind."),
    };

    public static SeriesValue Map(SeriesValue series, Func<double, double> function)
    {
        var result = new double?[series.Points.Length];
        for (var i = 0; i < result.Length; i++)
        {
            if (series.Points[i] is { } x)
            {
                result[i] = Finite(function(x));
            }
        }

        return new SeriesValue(result);
    }

    private static SeriesValue Zip(SeriesValue a, SeriesValue b, Func<double, double, double> operation)
    {
        var result = new double?[a.Points.Length];
        for (var i = 0; i < result.Length; i++)
        {
            if (a.Points[i] is null && b.Points[i] is null)
            {
                continue;
            }

            result[i] = Finite(operation(a.Points[i] ?? 0, b.Points[i] ?? 0));
        }

        return new SeriesValue(result);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    public static bool IsTrue(double value) => value != 0;

    public static double Truth(bool value) => value ? 1 : 0;
}
