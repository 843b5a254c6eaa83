namespace Paywatch.Monitoring.Logs;

/// <summary>
/// The order <c>sort</c> uses, after the AWS page "sort": "All non-number values come before all number values";
/// non-numbers compare in chunks, runs of digits by length and then by value, everything else by Unicode value.
/// Missing values come last in either direction (the page does not say; last keeps them out of "top N").
/// </summary>
internal sealed class SortOrder : IComparer<LogValue>
{
    public static SortOrder Ascending { get; } = new();

    public int Compare(LogValue x, LogValue y)
    {
        var xNumeric = IsNumber(x, out var a);
        var yNumeric = IsNumber(y, out var b);
        if (xNumeric && yNumeric)
        {
            return a.CompareTo(b);
        }

        if (xNumeric != yNumeric)
        {
            return xNumeric ? 1 : -1;
        }

        return Natural(x.ToString(), y.ToString());
    }

    // Numbers, timestamps and strings made only of a number sort as numbers.
    private static bool IsNumber(in LogValue value, out double number) =>
        value.Kind == LogValueKind.Boolean ? (number = 0) != 0 : value.TryGetNumber(out number);

    private static int Natural(string x, string y)
    {
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var startX = i;
                var startY = j;
                while (i < x.Length && char.IsAsciiDigit(x[i]))
                {
                    i++;
                }

                while (j < y.Length && char.IsAsciiDigit(y[j]))
                {
                    j++;
                }

                var byLength = (i - startX).CompareTo(j - startY);
                if (byLength != 0)
                {
                    return byLength;
                }

                var byValue = x.AsSpan(startX, i - startX).SequenceCompareTo(y.AsSpan(startY, j - startY));
                if (byValue != 0)
                {
                    return byValue;
                }

                continue;
            }

            if (x[i] != y[j])
            {
                return x[i].CompareTo(y[j]);
            }

            i++;
            j++;
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }
}
