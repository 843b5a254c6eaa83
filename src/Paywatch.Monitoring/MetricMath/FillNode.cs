namespace Paywatch.Monitoring.MetricMath;

/// <summary>How FILL chooses values for missing datapoints.</summary>
internal enum FillMode
{
    /// <summary>A scalar or the datapoint of another series at the same timestamp.</summary>
    Value,

    /// <summary>REPEAT: the most recent actual value before the gap.</summary>
    Repeat,

    /// <summary>LINEAR: interpolated, by time, between the actual values either side of the gap.</summary>
    Linear,
}

/// <summary>
/// FILL(TS | TS[], S | TS | REPEAT | LINEAR): gives every timestamp of the evaluation a datapoint where one can be
/// derived.
/// </summary>
/// <remarks>
/// "Missing" here means a timestamp of the evaluation without a datapoint. A gap at the start has no value before
/// it, so REPEAT leaves it missing; LINEAR needs values on both sides, so it leaves gaps at either end missing.
/// Filling with a series uses that series' datapoint at the same timestamp, where it has one.
/// </remarks>
internal sealed class FillNode(MathNode target, FillMode mode, MathNode? filler) : MathNode
{
    public override MathValue Evaluate(EvaluationContext context)
    {
        var fillValue = mode == FillMode.Value ? filler!.Evaluate(context) : null;
        if (fillValue is SeriesArrayValue)
        {
            throw new InvalidMetricMathException("FILL's second argument must be a number, a time series, REPEAT or LINEAR", position: null);
        }

        return target.Evaluate(context) switch
        {
            SeriesValue s => Fill(s, fillValue, context),
            SeriesArrayValue a => new SeriesArrayValue([.. a.Items.Select(s => Fill(s, fillValue, context))]),
            _ => throw new InvalidMetricMathException("FILL's first argument must be a time series or an array of time series", position: null),
        };
    }

    private SeriesValue Fill(SeriesValue series, MathValue? fillValue, EvaluationContext context)
    {
        var points = (double?[])series.Points.Clone();
        switch (mode)
        {
            case FillMode.Repeat:
                double? last = null;
                for (var i = 0; i < points.Length; i++)
                {
                    points[i] ??= last;
                    last = points[i];
                }

                break;
            case FillMode.Linear:
                FillLinear(points, context.Timestamps);
                break;
            default:
                for (var i = 0; i < points.Length; i++)
                {
                    points[i] ??= fillValue switch
                    {
                        ScalarValue s when double.IsFinite(s.Value) => s.Value,
                        SeriesValue other => other.Points[i],
                        _ => null,
                    };
                }

                break;
        }

        return new SeriesValue(points);
    }

    private static void FillLinear(double?[] points, IReadOnlyList<DateTimeOffset> timestamps)
    {
        var previous = -1;
        for (var i = 0; i < points.Length; i++)
        {
            if (points[i] is not { } end)
            {
                continue;
            }

            if (previous >= 0 && i - previous > 1)
            {
                var start = points[previous]!.Value;
                var span = (timestamps[i] - timestamps[previous]).TotalSeconds;
                for (var j = previous + 1; j < i; j++)
                {
                    var fraction = (timestamps[j] - timestamps[previous]).TotalSeconds / span;
                    points[j] = start + ((end - start) * fraction);
                }
            }

            previous = i;
        }
    }
}
