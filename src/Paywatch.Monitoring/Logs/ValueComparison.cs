namespace Paywatch.Monitoring.Logs;

/// <summary>
/// How <c>=</c>, <c>!=</c>, <c>&lt;</c> and the rest compare two values. The AWS page "Boolean, comparison,
/// numeric, datetime, and other functions" says comparison operators "accept all data types"; it does not spell out
/// mixed types, so the rules here are: a missing value compares with nothing (every comparison is false, even
/// <c>!=</c>); two numbers, or a number and a numeric string, compare as numbers; a timestamp and a date string
/// compare as times; anything else compares as text, ordinally and case-sensitively.
/// </summary>
internal static class ValueComparison
{
    /// <summary>The order of two values, or null when they do not compare (one of them is missing).</summary>
    public static int? Compare(in LogValue left, in LogValue right)
    {
        if (left.IsNull || right.IsNull)
        {
            return null;
        }

        if (left.Kind == LogValueKind.Text && right.Kind == LogValueKind.Text)
        {
            return string.CompareOrdinal(left.Text, right.Text);
        }

        if (left.Kind == LogValueKind.Timestamp || right.Kind == LogValueKind.Timestamp)
        {
            if (TryGetTime(left, out var a) && TryGetTime(right, out var b))
            {
                return a.CompareTo(b);
            }
        }
        else if (left.TryGetNumber(out var x) && right.TryGetNumber(out var y))
        {
            return x.CompareTo(y);
        }

        return string.CompareOrdinal(left.ToString(), right.ToString());
    }

    public static bool Test(ComparisonOperator op, in LogValue left, in LogValue right) =>
        Compare(left, right) is { } order && op switch
        {
            ComparisonOperator.Equal => order == 0,
            ComparisonOperator.NotEqual => order != 0,
            ComparisonOperator.Less => order < 0,
            ComparisonOperator.LessOrEqual => order <= 0,
            ComparisonOperator.Greater => order > 0,
            _ => order >= 0,
        };

    /// <summary>A value as epoch milliseconds: a timestamp or number as is, a string when it is an ISO 8601 date.</summary>
    public static bool TryGetTime(in LogValue value, out double epochMilliseconds)
    {
        if (value.Kind == LogValueKind.Text)
        {
            if (DateTimeOffset.TryParse(value.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                epochMilliseconds = time.ToUnixTimeMilliseconds();
                return true;
            }
        }

        return value.TryGetNumber(out epochMilliseconds);
    }

    /// <summary>
    /// Truth for <c>and</c>, <c>or</c>, <c>not</c> and <c>filter</c>: booleans as they are, numbers when non-zero
    /// (so <c>filter strcontains(...)</c>, which returns 1 or 0, works), strings when non-empty, missing is false.
    /// </summary>
    public static bool IsTrue(in LogValue value) => value.Kind switch
    {
        LogValueKind.Boolean or LogValueKind.Number or LogValueKind.Timestamp => value.Number != 0,
        LogValueKind.Text => value.Text!.Length > 0,
        _ => false,
    };
}

internal enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}
