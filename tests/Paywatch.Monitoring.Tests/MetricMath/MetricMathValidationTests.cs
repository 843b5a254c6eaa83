using Paywatch.Monitoring.MetricMath;
using static Paywatch.Monitoring.Tests.MetricMath.SeriesBuilder;

namespace Paywatch.Monitoring.Tests.MetricMath;

public sealed class MetricMathValidationTests
{
    [Theory]
    [InlineData("m1 +", "expected a number, an id, '(' or a function but the expression ended", 5)]
    [InlineData("(m1 + m2", "expected ')' but the expression ended", 9)]
    [InlineData("m1 + m2)", "unexpected ')' without a matching '('", 8)]
    [InlineData("m1 m2", "unexpected 'm'; expected an operator or the end of the expression", 4)]
    [InlineData("sum([m1, m2])", "unknown function 'sum'; functions are written in uppercase", 1)]
    [InlineData("FOO(m1)", "unknown function 'FOO'", 1)]
    [InlineData("M1 + 1", "unknown function 'M1'", 1)]
    [InlineData("FILL(m1)", "expected ',' but found ')'", 8)]
    [InlineData("FILL(m1, REPEAT", "expected ')' but the expression ended", 16)]
    [InlineData("m1 * REPEAT", "REPEAT is only valid as the second argument of FILL", 6)]
    [InlineData("IF(m1 > 1)", "expected ',' but found ')'", 10)]
    [InlineData("IF(m1, 1, 2, 3)", "expected ')' but found ','", 12)]
    [InlineData("NOT m1", "NOT is not a metric math operator; the logical operators are AND, &&, OR and ||", 1)]
    [InlineData("m1 AND", "expected a number, an id, '(' or a function but the expression ended", 7)]
    [InlineData("m1 + _x", "unexpected '_'; expected a number, an id, '(' or a function", 6)]
    [InlineData("1..2 * m1", "'1..2' is not a number", 1)]
    [InlineData("[m1, m2", "expected ']' but the expression ended", 8)]
    [InlineData("METRICS(\"x)", "unterminated string; expected a closing '\"'", 9)]
    public void Invalid_expressions_name_the_problem_and_its_position(string expression, string reason, int position)
    {
        var error = Assert.Throws<InvalidMetricMathException>(() => MetricMathExpression.Parse(expression));

        Assert.Equal(reason, error.Reason);
        Assert.Equal(position, error.Position);
        Assert.Equal($"Metric math expression is not valid: {reason} at position {position}", error.Message);
    }

    [Fact]
    public void An_empty_expression_is_rejected()
    {
        var error = Assert.Throws<InvalidMetricMathException>(() => MetricMathExpression.Parse("  "));

        Assert.Equal("Metric math expression is not valid: the expression is empty", error.Message);
    }

    [Theory]
    [InlineData("AVG(m1)", "the expression produces a single number; the result must be a time series")]
    [InlineData("1 + 2", "the expression produces a single number; the result must be a time series")]
    [InlineData("[m1, m2] * 2", "the expression produces 2 time series; expected exactly one")]
    [InlineData("m1 + nope", "unknown id 'nope'; no metric or expression has that id")]
    [InlineData("[m1] + [m2]", "two arrays of time series cannot be combined with an operator")]
    [InlineData("SUM(5)", "SUM takes a time series or an array of time series, not a number")]
    [InlineData("FILL(5, 0)", "FILL's first argument must be a time series or an array of time series")]
    [InlineData("SUM([m1, 5])", "an array may contain only time series, not numbers")]
    public void Expressions_that_do_not_produce_one_series_fail_at_evaluation(string expression, string reason)
    {
        var parsed = MetricMathExpression.Parse(expression);
        var metrics = new Dictionary<string, MetricSeries> { ["m1"] = Series(1), ["m2"] = Series(2) };

        var error = Assert.Throws<InvalidMetricMathException>(() => parsed.Evaluate(metrics, Grid(1)));

        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void Referenced_ids_are_listed_once_in_order()
    {
        Assert.Equal(["errors", "invocations"], MetricMathExpression.Parse("100 * errors / invocations + errors").ReferencedIds);
    }

    [Fact]
    public void A_series_rejects_NaN_and_unordered_timestamps()
    {
        Assert.Throws<ArgumentException>(() => new MetricSeries([T0], [double.NaN], Minute));
        Assert.Throws<ArgumentException>(() => new MetricSeries([T0 + Minute, T0], [1, 2], Minute));
    }
}
