namespace Paywatch.Monitoring.MetricMath;

/// <summary>
/// IF(condition, trueValue[, falseValue]), as "Using IF expressions" in the metric math guide defines it. A
/// condition datapoint is TRUE when it is non-zero. For a series condition, per timestamp:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>no condition datapoint: no result datapoint;</item>
/// <item>TRUE: the scalar trueValue, or trueValue's datapoint, or 0 when that series has none there;</item>
/// <item>FALSE: the scalar falseValue, or falseValue's datapoint; dropped when that series has none or falseValue is omitted.</item>
/// </list>
/// For a scalar condition the result is trueValue, or falseValue (an empty series when omitted). These reproduce
/// the guide's tables, e.g. IF([1,1,0,0,-], [30,-,0,0,30], [0,0,20,-,20]) = [30,0,20,-,-].
/// </remarks>
internal sealed class IfNode(MathNode condition, MathNode whenTrue, MathNode? whenFalse) : MathNode
{
    public override MathValue Evaluate(EvaluationContext context)
    {
        var test = condition.Evaluate(context);
        var yes = whenTrue.Evaluate(context);
        var no = whenFalse?.Evaluate(context);
        if (yes is SeriesArrayValue || no is SeriesArrayValue || test is SeriesArrayValue)
        {
            throw new InvalidMetricMathException("IF takes numbers and time series, not arrays of time series", position: null);
        }

        if (test is ScalarValue scalar)
        {
            return SeriesArithmetic.IsTrue(scalar.Value) ? yes : no ?? new SeriesValue(new double?[context.Length]);
        }

        var points = ((SeriesValue)test).Points;
        var result = new double?[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            if (points[i] is not { } c)
            {
                continue;
            }

            result[i] = SeriesArithmetic.IsTrue(c)
                ? yes switch
                {
                    ScalarValue s => s.Value,
                    SeriesValue s => s.Points[i] ?? 0,
                    _ => null,
                }
                : no switch
                {
                    ScalarValue s => s.Value,
                    SeriesValue s => s.Points[i],
                    _ => null,
                };

            if (result[i] is { } r && !double.IsFinite(r))
            {
                result[i] = null;
            }
        }

        return new SeriesValue(result);
    }
}
