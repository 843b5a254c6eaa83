using Paywatch.Monitoring.Logs;
using static Paywatch.Monitoring.Tests.Logs.QueryRunner;

namespace Paywatch.Monitoring.Tests.Logs;

/// <summary>Each function and operator on one event, against values worked out by hand ("" is a missing value).</summary>
public sealed class FunctionTests
{
    private const string Event = """{"time":"2026-11-26T08:03:20.123Z","s":"  Hello ","n":-2.5,"e":"","b":"   ","code":"10","nested":{"k":"v"}}""";

    [Theory]
    // General
    [InlineData("ispresent(s)", "true")]
    [InlineData("ispresent(missing)", "false")]
    [InlineData("isempty(e)", "true")]
    [InlineData("isempty(missing)", "true")]
    [InlineData("isempty(s)", "false")]
    [InlineData("isblank(b)", "true")]
    [InlineData("isblank(s)", "false")]
    [InlineData("coalesce(missing, e, 'x')", "")]
    [InlineData("coalesce(missing, 'x')", "x")]
    // String
    [InlineData("strlen(s)", "8")]
    [InlineData("strlen(missing)", "")]
    [InlineData("toupper(s)", "  HELLO ")]
    [InlineData("tolower('AbC')", "abc")]
    [InlineData("trim(s)", "Hello")]
    [InlineData("ltrim(s)", "Hello ")]
    [InlineData("rtrim(s)", "  Hello")]
    [InlineData("concat('a', n, 'b')", "a-2.5b")]
    [InlineData("substr('abcdef', 2, 3)", "cde")]
    [InlineData("substr('abcdef', 4)", "ef")]
    [InlineData("substr('abc', 5)", "")]
    [InlineData("replace('a-b-c', '-', '+')", "a+b+c")]
    [InlineData("strcontains(s, 'ell')", "1")]
    [InlineData("strcontains(s, 'xyz')", "0")]
    // Numeric
    [InlineData("abs(n)", "2.5")]
    [InlineData("ceil(n)", "-2")]
    [InlineData("floor(n)", "-3")]
    [InlineData("round(2.5)", "3")]
    [InlineData("round(1.25, 1)", "1.3")]
    [InlineData("sqrt(16)", "4")]
    [InlineData("log(1)", "0")]
    [InlineData("pow(2, 10)", "1024")]
    [InlineData("greatest(1, 5, 3)", "5")]
    [InlineData("least(4, 2, 9)", "2")]
    // Arithmetic: numbers and numeric strings; anything else, or dividing by zero, is missing.
    [InlineData("2 ^ 3", "8")]
    [InlineData("10 % 3", "1")]
    [InlineData("7 / 2", "3.5")]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("-n", "2.5")]
    [InlineData("code + 1", "11")]
    [InlineData("1 / 0", "")]
    [InlineData("s + 1", "")]
    [InlineData("missing + 1", "")]
    // Datetime: 1,700,000 ms is 28 min 20 s after the epoch.
    [InlineData("fromMillis(0)", "1970-01-01 00:00:00.000")]
    [InlineData("toMillis(fromMillis(1500))", "1500")]
    [InlineData("datefloor(fromMillis(1700000), 1m)", "1970-01-01 00:28:00.000")]
    [InlineData("dateceil(fromMillis(1700000), 1m)", "1970-01-01 00:29:00.000")]
    [InlineData("datefloor(fromMillis(1700000), 1h)", "1970-01-01 00:00:00.000")]
    [InlineData("bin(5m)", "2026-11-26 08:00:00.000")]
    [InlineData("bin(1mo)", "2026-11-01 00:00:00.000")]
    [InlineData("bin(1q)", "2026-10-01 00:00:00.000")]
    [InlineData("bin(1y)", "2026-01-01 00:00:00.000")]
    [InlineData("@timestamp", "2026-11-26 08:03:20.123")]
    // Fields: nested objects flatten with dots.
    [InlineData("nested.k", "v")]
    [InlineData("`nested.k`", "v")]
    public void Functions_compute_what_the_AWS_page_describes(string expression, string expected)
    {
        var result = Run($"fields {expression} as v", Event);

        Assert.Equal(expected, Assert.Single(result.Rows)[0].ToString());
    }

    [Theory]
    [InlineData("s = '  Hello '", true)]
    [InlineData("s = '  hello '", false)]
    [InlineData("missing = 'x'", false)]
    [InlineData("missing != 'x'", false)]
    [InlineData("not missing = 'x'", true)]
    [InlineData("code > 9", true)]
    [InlineData("code = 10", true)]
    [InlineData("code > '9'", false)]
    [InlineData("n < 0 and n > -3", true)]
    [InlineData("n > 0 or s like 'ell'", true)]
    [InlineData("s like 'ELL'", false)]
    [InlineData("s like /(?i)ELL/", true)]
    [InlineData("s =~ /^\\s+H/", true)]
    [InlineData("s not like /H/", false)]
    [InlineData("missing not like /H/", false)]
    [InlineData("code in [1, 10, 100]", true)]
    [InlineData("code not in ['10']", false)]
    [InlineData("missing in ['x']", false)]
    [InlineData("missing not in ['x']", false)]
    [InlineData("@timestamp > '2026-11-26T08:00:00Z'", true)]
    [InlineData("@timestamp < '2026-11-26T08:00:00Z'", false)]
    [InlineData("strcontains(s, 'H')", true)]
    public void Filters_compare_as_documented(string condition, bool kept)
    {
        var result = Run($"filter {condition} | fields s", Event);

        Assert.Equal(kept ? 1 : 0, result.Rows.Count);
    }
}
