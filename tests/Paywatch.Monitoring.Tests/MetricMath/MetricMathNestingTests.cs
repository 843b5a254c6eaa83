using Paywatch.Monitoring.MetricMath;

namespace Paywatch.Monitoring.Tests.MetricMath;

/// <summary>Expressions come from the web API's metric widgets: however deep one nests, it is refused, not a stack overflow.</summary>
public sealed class MetricMathNestingTests
{
    private const int Hostile = 200_000;

    public static TheoryData<string> HostileExpressions() =>
    [
        new string('(', Hostile) + "m1" + new string(')', Hostile),
        new string('-', Hostile) + "m1",
        string.Join(" + ", Enumerable.Repeat("m1", Hostile)),
        string.Join(" ^ ", Enumerable.Repeat("m1", Hostile)),
        string.Join(" || ", Enumerable.Repeat("m1", Hostile)),
        string.Join(" < ", Enumerable.Repeat("m1", Hostile)),
        string.Concat(Enumerable.Repeat("ABS(", Hostile)) + "m1" + new string(')', Hostile),
        new string('[', Hostile) + "m1" + new string(']', Hostile),
    ];

    [Theory]
    [MemberData(nameof(HostileExpressions))]
    public void An_expression_nested_past_the_limit_is_invalid_and_says_so(string expression)
    {
        var error = Assert.Throws<InvalidMetricMathException>(() => MetricMathExpression.Parse(expression));

        Assert.Contains($"deeper than {MetricMathParser.MaxNesting} levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_up_to_the_limit_parses()
    {
        var depth = MetricMathParser.MaxNesting - 1;

        Assert.NotNull(MetricMathExpression.Parse(new string('(', depth) + "m1" + new string(')', depth)));
        Assert.NotNull(MetricMathExpression.Parse(string.Join(" + ", Enumerable.Repeat("m1", MetricMathParser.MaxNesting))));
    }
}
