namespace Paywatch.Monitoring.MetricMath;

/// <summary>
/// A parsed CloudWatch metric math expression: ids, numbers, + - * / ^, unary minus, comparisons, AND/OR,
/// parentheses, arrays <c>[m1, m2]</c>, FILL, IF, ABS, CEIL, FLOOR, SUM, AVG, MIN, MAX and METRICS().
/// </summary>
public sealed class MetricMathExpression
{
    private readonly MathNode _root;

    private MetricMathExpression(string text, MathNode root, IReadOnlyList<string> ids)
    {
        Text = text;
        _root = root;
        ReferencedIds = ids;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>The ids the expression names directly (not those METRICS() picks up), in order of first use.</summary>
    public IReadOnlyList<string> ReferencedIds { get; }

    /// <summary>Parses an expression, throwing <see cref="InvalidMetricMathException"/> for invalid syntax.</summary>
    public static MetricMathExpression Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var (root, ids) = MetricMathParser.Parse(expression);
        return new MetricMathExpression(expression, root, ids);
    }

    /// <summary>
    /// Evaluates the expression over <paramref name="timestamps"/> (the datapoint timestamps of the query, in
    /// order), reading metrics by id from <paramref name="byId"/>.
    /// </summary>
    /// <remarks>
    /// "The final result of any math expression must be a single time series or an array of time series"; this
    /// method returns one series, so a scalar result, or an array of other than exactly one series, is an error.
    /// The result's period is that of the first id the expression names, else of the first metric by id, else
    /// the spacing of <paramref name="timestamps"/>.
    /// </remarks>
    public MetricSeries Evaluate(IReadOnlyDictionary<string, MetricSeries> byId, IReadOnlyList<DateTimeOffset> timestamps)
    {
        ArgumentNullException.ThrowIfNull(byId);
        ArgumentNullException.ThrowIfNull(timestamps);
        for (var i = 1; i < timestamps.Count; i++)
        {
            if (timestamps[i] <= timestamps[i - 1])
            {
                throw new ArgumentException("Timestamps must be strictly increasing.", nameof(timestamps));
            }
        }

        var context = new EvaluationContext(byId, timestamps);
        var series = _root.Evaluate(context) switch
        {
            SeriesValue s => s,
            SeriesArrayValue { Items.Count: 1 } a => a.Items[0],
            SeriesArrayValue a => throw new InvalidMetricMathException(
                $"the expression produces {a.Items.Count.ToString(CultureInfo.InvariantCulture)} time series; expected exactly one", position: null),
            _ => throw new InvalidMetricMathException("the expression produces a single number; the result must be a time series", position: null),
        };

        var resultTimes = new List<DateTimeOffset>();
        var resultValues = new List<double>();
        for (var i = 0; i < timestamps.Count; i++)
        {
            if (series.Points[i] is { } value)
            {
                resultTimes.Add(timestamps[i]);
                resultValues.Add(value);
            }
        }

        return new MetricSeries(resultTimes, resultValues, PeriodOf(byId, timestamps));
    }

    private TimeSpan PeriodOf(IReadOnlyDictionary<string, MetricSeries> byId, IReadOnlyList<DateTimeOffset> timestamps)
    {
        foreach (var id in ReferencedIds)
        {
            if (byId.TryGetValue(id, out var series))
            {
                return series.Period;
            }
        }

        if (byId.Count > 0)
        {
            return byId[byId.Keys.Min(StringComparer.Ordinal)!].Period;
        }

        return timestamps.Count > 1 ? timestamps[1] - timestamps[0] : TimeSpan.Zero;
    }
}
