namespace Paywatch.Monitoring.MetricMath;

/// <summary>A node of a parsed metric math expression.</summary>
internal abstract class MathNode
{
    public abstract MathValue Evaluate(EvaluationContext context);
}

internal sealed class NumberNode(double value) : MathNode
{
    public override MathValue Evaluate(EvaluationContext context) => new ScalarValue(value);
}

/// <summary>A reference to a metric (or another expression's result) by its id.</summary>
internal sealed class IdNode(string id) : MathNode
{
    public string Id { get; } = id;

    public override MathValue Evaluate(EvaluationContext context) => context.Series(Id);
}

internal sealed class NegateNode(MathNode operand) : MathNode
{
    public override MathValue Evaluate(EvaluationContext context) => SeriesArithmetic.Apply(operand.Evaluate(context), x => -x);
}

internal sealed class BinaryNode(MathNode left, MathNode right, Func<double, double, double> operation) : MathNode
{
    public override MathValue Evaluate(EvaluationContext context) =>
        SeriesArithmetic.Combine(left.Evaluate(context), right.Evaluate(context), operation);
}

/// <summary><c>[a, b, ...]</c>: an array of time series; arrays inside it (METRICS()) are flattened.</summary>
internal sealed class ListNode(IReadOnlyList<MathNode> items) : MathNode
{
    public override MathValue Evaluate(EvaluationContext context)
    {
        var series = new List<SeriesValue>();
        foreach (var item in items)
        {
            switch (item.Evaluate(context))
            {
                case SeriesValue s:
                    series.Add(s);
                    break;
                case SeriesArrayValue a:
                    series.AddRange(a.Items);
                    break;
                default:
                    throw new InvalidMetricMathException("an array may contain only time series, not numbers", position: null);
            }
        }

        return new SeriesArrayValue(series);
    }
}

/// <summary>ABS, CEIL and FLOOR: a function applied to each datapoint.</summary>
internal sealed class PointwiseFunctionNode(MathNode argument, Func<double, double> function) : MathNode
{
    public override MathValue Evaluate(EvaluationContext context) => SeriesArithmetic.Apply(argument.Evaluate(context), function);
}

/// <summary>
/// METRICS() and METRICS("text"): every metric in the request, or those whose id contains the text, ordered by
/// id so results are repeatable.
/// </summary>
internal sealed class MetricsNode(string? filter) : MathNode
{
    public override MathValue Evaluate(EvaluationContext context) =>
        new SeriesArrayValue([.. context.Ids
            .Where(id => filter is null || id.Contains(filter, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(context.Series)]);
}
