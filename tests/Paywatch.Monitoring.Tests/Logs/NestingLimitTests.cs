using System.Globalization;
using Paywatch.Monitoring.Logs;
using static Paywatch.Monitoring.Tests.Logs.QueryRunner;

namespace Paywatch.Monitoring.Tests.Logs;

/// <summary>
/// Queries come from the web API's log widgets: however deep a query nests, parsing and evaluating stay off the end of
/// the stack (a stack overflow ends the process), and a query past the limit is an invalid query that says why.
/// </summary>
public sealed class NestingLimitTests
{
    private const int Hostile = 200_000;

    public static TheoryData<string> HostileQueries() =>
    [
        "fields " + new string('(', Hostile) + "1" + new string(')', Hostile),
        "fields " + string.Concat(Enumerable.Repeat("- ", Hostile)) + "1",
        "filter " + string.Concat(Enumerable.Repeat("not ", Hostile)) + "a",
        "fields " + string.Join(" + ", Enumerable.Repeat("1", Hostile)),
        "fields " + string.Join(" ^ ", Enumerable.Repeat("1", Hostile)),
        "filter " + string.Join(" or ", Enumerable.Repeat("a = 1", Hostile)),
        "fields " + string.Concat(Enumerable.Repeat("abs(", Hostile)) + "1" + new string(')', Hostile),
        "stats sum(" + new string('(', Hostile) + "x" + new string(')', Hostile) + ")",
    ];

    [Theory]
    [MemberData(nameof(HostileQueries))]
    public void A_query_nested_past_the_limit_is_invalid_and_says_so(string query)
    {
        var error = Assert.Throws<InvalidQueryException>(() => LogQuery.Parse(query));

        Assert.Contains($"deeper than {QueryParser.MaxNesting} levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_up_to_the_limit_parses_and_evaluates()
    {
        var depth = QueryParser.MaxNesting - 1;
        var parentheses = "fields " + new string('(', depth) + "x" + new string(')', depth) + " as a";
        var chain = "fields " + string.Join(" + ", Enumerable.Repeat("x", QueryParser.MaxNesting)) + " as a";

        Assert.Equal("2", Run(parentheses, """{"x":2}""").Texts()[0][0]);
        Assert.Equal((2 * QueryParser.MaxNesting).ToString(CultureInfo.InvariantCulture), Run(chain, """{"x":2}""").Texts()[0][0]);
    }
}
