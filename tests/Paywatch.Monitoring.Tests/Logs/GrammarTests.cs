using Paywatch.Monitoring.Logs;

namespace Paywatch.Monitoring.Tests.Logs;

public sealed class GrammarTests
{
    [Theory]
    [InlineData("fields @timestamp, @message")]
    [InlineData("fields @timestamp, @message | sort @timestamp desc | limit 20")]
    [InlineData("FILTER level = 'ERROR' | FIELDS message AS m")]
    [InlineData("filter (a = 1 or b != 2) and not c < 3 and d <= 4 and e > 5 and f >= 6")]
    [InlineData("filter @message like /time(d)? out/ or @message like \"Exception\" or msg =~ /^x/")]
    [InlineData("filter status in [\"FAILED\", \"ERROR\"] and type not in [\"REFUND\"] and msg not like /x/")]
    [InlineData("stats count(*), count(a), count_distinct(b), sum(c), avg(c), min(c), max(c), pct(c, 50), stddev(c), earliest(d), latest(d) by e, bin(1h)")]
    [InlineData("stats (avg(x) / max(y)) * 100 as ratio by bin(30s) as period")]
    [InlineData("stats count(*) as n by type | stats avg(n) as mean")]
    [InlineData("parse @message \"user=* action=*\" as user, action | display user, action")]
    [InlineData("parse @message /(?<user>\\w+)@(?<domain>\\S+)/ | dedup user")]
    [InlineData("fields a + b * c - d / e % f ^ 2 as x, -a as y, `odd-name` as z")]
    [InlineData("# a comment\nfields a # another\n| limit 5")]
    [InlineData("fields abs(-1), ceil(1.5), floor(1.5), round(1.25, 1), sqrt(4), log(1), pow(2, 3), coalesce(a, b, 'c')")]
    [InlineData("fields fromMillis(0) as t | fields toMillis(t), datefloor(t, 1d), dateceil(t, 1w), bin(5mins), bin(2hrs)")]
    public void Valid_queries_parse(string query)
    {
        Assert.NotNull(LogQuery.Parse(query));
    }

    [Theory]
    [InlineData("", "the query is empty")]
    [InlineData("filter status = \"A\" x", "unexpected 'x' at 21, expected '|'")]
    [InlineData("filter status = ", "unexpected end of query at 17")]
    [InlineData("fields a |", "unexpected end of query at 11, expected a command")]
    [InlineData("select * from logs", "unknown command 'select' at 1")]
    [InlineData("filter count(*) > 1", "aggregate function 'count' at 8 is not allowed outside stats")]
    [InlineData("stats sum(max(a))", "aggregate function 'max' at 11 is not allowed inside another aggregate function")]
    [InlineData("stats 1 + 2 as x by b", "'x' in stats uses no aggregate function")]
    [InlineData("stats a by b", "field 'a' in stats output 'a' must be inside an aggregate function")]
    [InlineData("stats count(*) + a as x", "field 'a' in stats output 'x' must be inside an aggregate function or in 'by'")]
    [InlineData("fields nosuch(a)", "unknown function 'nosuch' at 8")]
    [InlineData("fields strlen(a, b)", "function 'strlen' at 8 takes 1 argument, not 2")]
    [InlineData("stats count(*) by bin(5x)", "invalid period '5x' at 23")]
    [InlineData("stats count(*) by bin(a)", "function 'bin' at 19 needs a period")]
    [InlineData("limit 0", "unexpected '0' at 7, expected a whole number of rows")]
    [InlineData("limit 10001", "limit 10001 at 7 is over the maximum of 10000")]
    [InlineData("filter a = \"open", "unterminated string starting at 12")]
    [InlineData("parse @message \"a=* b=*\" as a", "has 2 '*' but 1 names follow 'as' at 26")]
    [InlineData("parse @message /(unnamed)/", "has no named group")]
    [InlineData("filter a like /(/", "invalid regex /(/ at 15")]
    [InlineData("stats pct(a) by b", "unexpected ')' at 12, expected ','")]
    [InlineData("filter a = 1 ; b", "unexpected ';' at 14")]
    public void Invalid_queries_are_rejected_naming_the_token_and_position(string query, string expected)
    {
        var error = Assert.Throws<InvalidQueryException>(() => LogQuery.Parse(query));

        Assert.StartsWith("Query is not valid: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_query_reads_only_the_event_fields_it_uses_before_defining_them()
    {
        var query = LogQuery.Parse(QueryRunner.SavedQuery("Success-Rate"));

        // "approved" is defined by fields, so it is not read from events; bin() uses @timestamp, a system field.
        Assert.Equal(["message", "status"], query.EventFieldNames);
    }

    [Theory]
    [InlineData("fields a, b as c | fields d", new[] { "a", "c", "d" })]
    [InlineData("fields a, b | display b", new[] { "b" })]
    [InlineData("filter x > 1", new[] { "@timestamp", "@message" })]
    [InlineData("stats count(*) by type, bin(1h)", new[] { "type", "bin(1h)", "count(*)" })]
    public void Result_columns_follow_fields_stats_and_display(string query, string[] columns)
    {
        Assert.Equal(columns, LogQuery.Parse(query).Columns);
    }
}
