using Paywatch.Monitoring.MetricMath;
using static Paywatch.Monitoring.Tests.MetricMath.SeriesBuilder;

namespace Paywatch.Monitoring.Tests.MetricMath;

/// <summary>
/// Expressions from the "Using metric math" guide and the rules it states, with expected values worked out by
/// hand (a '-' in the guide is null here).
/// </summary>
public sealed class MetricMathEvaluationTests
{
    [Fact]
    public void Error_rate_is_100_times_errors_over_invocations()
    {
        var errors = Series(1, 0, 5, 2);
        var invocations = Series(50, 40, 20, 8);

        var result = Evaluate("100 * errors / invocations", 4, ("errors", errors), ("invocations", invocations));

        Assert.Equal([2, 0, 25, 25], result);
    }

    [Fact]
    public void Division_by_zero_drops_the_datapoint()
    {
        var errors = Series(1, 0, 3);
        var invocations = Series(10, 0, 0);

        Assert.Equal([10, null, null], Evaluate("100 * errors / invocations", 3, ("errors", errors), ("invocations", invocations)));
    }

    [Fact]
    public void Between_series_a_missing_value_counts_as_0_where_the_other_has_one()
    {
        var m1 = Series(1, null, 3, null);
        var m2 = Series(10, 20, null, null);

        Assert.Equal([11, 20, 3, null], Evaluate("m1 + m2", 4, ("m1", m1), ("m2", m2)));
        Assert.Equal([-9, -20, 3, null], Evaluate("m1 - m2", 4, ("m1", m1), ("m2", m2)));
    }

    [Fact]
    public void A_scalar_applies_to_each_datapoint_and_creates_none()
    {
        var m1 = Series(2, null, -3);

        Assert.Equal([10, null, -15], Evaluate("5 * m1", 3, ("m1", m1)));
        Assert.Equal([-10, null, 15], Evaluate("-5*m1", 3, ("m1", m1)));
        Assert.Equal([3, null, -2], Evaluate("m1 + 1", 3, ("m1", m1)));
        Assert.Equal([-2, null, 3], Evaluate("-m1", 3, ("m1", m1)));
        Assert.Equal([4, null, 9], Evaluate("m1 ^ 2", 3, ("m1", m1)));
    }

    [Theory]
    [InlineData("2 + 3 * m1", 14)]
    [InlineData("(2 + 3) * m1", 20)]
    [InlineData("m1 - 1 - 1", 2)]
    [InlineData("m1 / 2 / 2", 1)]
    [InlineData("-2 ^ 2 + m1", 0)]
    [InlineData("2 ^ 3 ^ 2 - m1", 508)]
    [InlineData("m1 ^ -1 * 8", 2)]
    [InlineData("m1 > 3 AND m1 < 5", 1)]
    [InlineData("m1 > 3 && m1 > 5 || m1 == 4", 1)]
    [InlineData("1 + 1 == m1 - 2", 1)]
    [InlineData("m1 - AVG(m1)", 0)]
    [InlineData("1.5e1 + m1", 19)]
    [InlineData("m1 * .5", 2)]
    public void Operators_follow_the_usual_precedence(string expression, double expected)
    {
        Assert.Equal([expected], Evaluate(expression, 1, ("m1", Series(4))));
    }

    [Fact]
    public void Comparison_and_logical_operators_match_the_guides_table()
    {
        // metric1 = [30, 20, 0, 0], metric2 = [20, -, 20, -].
        var metric1 = Series(30, 20, 0, 0);
        var metric2 = Series(20, null, 20, null);

        Assert.Equal([0, 0, 1, 0], Evaluate("(metric1 < metric2)", 4, ("metric1", metric1), ("metric2", metric2)));
        Assert.Equal([1, 0, 0, 0], Evaluate("(metric1 >= 30)", 4, ("metric1", metric1), ("metric2", metric2)));
        Assert.Equal([1, 0, 0, 0], Evaluate("(metric1 > 15 AND metric2 > 15)", 4, ("metric1", metric1), ("metric2", metric2)));
    }

    [Fact]
    public void Comparison_operators_each_give_1_or_0()
    {
        var m1 = Series(1, 2, 3);

        Assert.Equal([0, 1, 0], Evaluate("m1 == 2", 3, ("m1", m1)));
        Assert.Equal([1, 0, 1], Evaluate("m1 != 2", 3, ("m1", m1)));
        Assert.Equal([1, 1, 0], Evaluate("m1 <= 2", 3, ("m1", m1)));
        Assert.Equal([0, 1, 1], Evaluate("m1 >= 2", 3, ("m1", m1)));
        Assert.Equal([1, 0, 0], Evaluate("m1 < 2", 3, ("m1", m1)));
        Assert.Equal([0, 0, 1], Evaluate("m1 > 2", 3, ("m1", m1)));
        Assert.Equal([1, 0, 1], Evaluate("m1 < 2 OR m1 > 2", 3, ("m1", m1)));
    }

    [Fact]
    public void If_with_three_series_matches_the_guides_table()
    {
        var metric1 = Series(1, 1, 0, 0, null);
        var metric2 = Series(30, null, 0, 0, 30);
        var metric3 = Series(0, 0, 20, null, 20);

        Assert.Equal([30, 0, 20, null, null], Evaluate("IF(metric1, metric2, metric3)", 5, ("metric1", metric1), ("metric2", metric2), ("metric3", metric3)));
        Assert.Equal([5, 5, 20, null, null], Evaluate("IF(metric1, 5, metric3)", 5, ("metric1", metric1), ("metric3", metric3)));
        Assert.Equal([30, 0, 5, 5, null], Evaluate("IF(metric1, metric2, 5)", 5, ("metric1", metric1), ("metric2", metric2)));
        Assert.Equal([30, 0, null, null, null], Evaluate("IF(metric1, metric2)", 5, ("metric1", metric1), ("metric2", metric2)));
    }

    [Fact]
    public void If_with_a_scalar_condition_picks_a_whole_series()
    {
        var m2 = Series(1, 2);
        var m3 = Series(7, null);

        Assert.Equal([1, 2], Evaluate("IF(1, m2, m3)", 2, ("m2", m2), ("m3", m3)));
        Assert.Equal([7, null], Evaluate("IF(0, m2, m3)", 2, ("m2", m2), ("m3", m3)));
        Assert.Equal([null, null], Evaluate("IF(0, m2)", 2, ("m2", m2)));
    }

    [Fact]
    public void The_guides_if_use_cases()
    {
        var metric1 = Series(100, 500, null, 399);

        Assert.Equal([100, null, null, 399], Evaluate("IF(metric1<400, metric1)", 4, ("metric1", metric1)));
        Assert.Equal([10, 2, null, 10], Evaluate("IF(metric1<400, 10, 2)", 4, ("metric1", metric1)));

        var latency = Series(120, 80, 300);
        var threshold = Series(100, 100, 100);
        Assert.Equal([1, 0, 1], Evaluate("IF(latency>threshold, 1, 0)", 3, ("latency", latency), ("threshold", threshold)));
    }

    [Fact]
    public void Fill_with_a_number_a_series_repeat_and_linear()
    {
        var m1 = Series(null, 4, null, null, 10, null);
        var m2 = Series(7, 7, 8, null, 9, 9);
        (string, MetricSeries)[] metrics = [("m1", m1), ("m2", m2)];

        Assert.Equal([10, 4, 10, 10, 10, 10], Evaluate("FILL(m1,10)", 6, metrics));
        Assert.Equal([7, 4, 8, null, 10, 9], Evaluate("FILL(m1, m2)", 6, metrics));
        Assert.Equal([null, 4, 4, 4, 10, 10], Evaluate("FILL(m1, REPEAT)", 6, metrics));
        Assert.Equal([null, 4, 6, 8, 10, null], Evaluate("FILL(m1, LINEAR)", 6, metrics));
        // FILL(m1, MIN(m1)): the minimum of m1's datapoints, 4.
        Assert.Equal([4, 4, 4, 4, 10, 4], Evaluate("FILL(m1, MIN(m1))", 6, metrics));
    }

    [Fact]
    public void Fill_makes_arithmetic_see_values_instead_of_gaps()
    {
        var errors = Series(null, 2, null);
        var requests = Series(10, 10, null);

        Assert.Equal([0, 20, null], Evaluate("100 * FILL(errors, 0) / requests", 3, ("errors", errors), ("requests", requests)));
    }

    [Fact]
    public void Sum_avg_min_max_over_an_array_work_per_timestamp_with_missing_as_0()
    {
        var m1 = Series(1, 6, null, null);
        var m2 = Series(3, null, -2, null);
        (string, MetricSeries)[] metrics = [("m1", m1), ("m2", m2)];

        Assert.Equal([4, 6, -2, null], Evaluate("SUM([m1, m2])", 4, metrics));
        Assert.Equal([2, 3, -1, null], Evaluate("AVG([m1,m2])", 4, metrics));
        Assert.Equal([1, 0, -2, null], Evaluate("MIN([m1, m2])", 4, metrics));
        Assert.Equal([3, 6, 0, null], Evaluate("MAX([m1, m2])", 4, metrics));
        Assert.Equal([4, 6, -2, null], Evaluate("SUM(METRICS())", 4, metrics));
    }

    [Fact]
    public void Sum_avg_min_max_of_one_series_are_scalars()
    {
        var m1 = Series(2, null, 4, 6);

        Assert.Equal([-2, null, 0, 2], Evaluate("m1 - AVG(m1)", 4, ("m1", m1)));
        Assert.Equal([1, null, 2, 3], Evaluate("m1 / MIN(m1)", 4, ("m1", m1)));
        Assert.Equal([3, null, 1.5, 1], Evaluate("MAX(m1)/m1", 4, ("m1", m1)));
        Assert.Equal([12, null, 12, 12], Evaluate("m1 * 0 + SUM(m1)", 4, ("m1", m1)));
    }

    [Fact]
    public void Sum_of_an_array_divided_by_a_scalar_aggregate()
    {
        // The guide's SUM([m1,m2])/AVG(m2).
        var m1 = Series(1, 3);
        var m2 = Series(3, 5);

        Assert.Equal([1, 2], Evaluate("SUM([m1,m2])/AVG(m2)", 2, ("m1", m1), ("m2", m2)));
    }

    [Fact]
    public void Arrays_combine_with_scalars_element_by_element()
    {
        var m1 = Series(100, 200);
        var m2 = Series(50, null);

        // The guide's SUM(100/[m1, m2]) and AVG([m1,m2]/m3).
        Assert.Equal([3, 0.5], Evaluate("SUM(100/[m1, m2])", 2, ("m1", m1), ("m2", m2)));
        Assert.Equal([-150, -200], Evaluate("SUM(-[m1, m2])", 2, ("m1", m1), ("m2", m2)));
        Assert.Equal([75, 100], Evaluate("AVG([m1,m2]/m3)", 2, ("m1", m1), ("m2", m2), ("m3", Series(1, 1))));
    }

    [Fact]
    public void Metrics_with_a_string_keeps_ids_containing_it()
    {
        (string, MetricSeries)[] metrics = [("errors4xx", Series(1, 2)), ("errors5xx", Series(10, 20)), ("requests", Series(100, 100))];

        Assert.Equal([11, 22], Evaluate("SUM(METRICS(\"errors\"))", 2, metrics));
        Assert.Equal([11, 22], Evaluate("SUM([METRICS(\"4xx\"), METRICS(\"5xx\")])", 2, metrics));
        Assert.Equal([11, 22], Evaluate("SUM(METRICS(\"errors\"))/SUM(METRICS(\"requests\"))*100", 2, metrics));
    }

    [Fact]
    public void Abs_ceil_floor_apply_to_each_datapoint()
    {
        var m1 = Series(-1.5, 2.25, null);
        var m2 = Series(1, 1, 1);
        (string, MetricSeries)[] metrics = [("m1", m1), ("m2", m2)];

        Assert.Equal([1.5, 2.25, null], Evaluate("ABS(m1)", 3, metrics));
        Assert.Equal([-1, 3, null], Evaluate("CEIL(m1)", 3, metrics));
        Assert.Equal([-2, 2, null], Evaluate("FLOOR(m1)", 3, metrics));
        Assert.Equal([2.5, 1.25, 1], Evaluate("ABS(m1-m2)", 3, metrics));
        // At the last timestamp m1 is missing and counts as 0, so the minimum is 0.
        Assert.Equal([1, 1, 0], Evaluate("MIN(ABS([m1, m2]))", 3, metrics));
    }

    [Fact]
    public void The_result_keeps_the_period_of_the_metrics()
    {
        var m1 = new MetricSeries([T0], [1], TimeSpan.FromMinutes(5));

        var result = MetricMathExpression.Parse("m1 * 2").Evaluate(new Dictionary<string, MetricSeries> { ["m1"] = m1 }, [T0]);

        Assert.Equal(TimeSpan.FromMinutes(5), result.Period);
        Assert.Equal([T0], result.Timestamps);
        Assert.Equal([2.0], result.Values);
    }
}
