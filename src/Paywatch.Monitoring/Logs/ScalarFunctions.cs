namespace Paywatch.Monitoring.Logs;

/// <summary>
/// The functions of the AWS page "Boolean, comparison, numeric, datetime, and other functions" that this engine
/// implements (general, string, numeric and datetime ones). Names are case-insensitive. A missing argument makes
/// the result missing, except for the functions whose job is to test for it (<c>ispresent</c>, <c>isempty</c>,
/// <c>isblank</c>, <c>coalesce</c>). <c>bin</c>, <c>datefloor</c> and <c>dateceil</c> take a period and are built by the parser.
/// </summary>
internal static class ScalarFunctions
{
    private const int Many = int.MaxValue;

    private static readonly Dictionary<string, ScalarFunction> Table = new ScalarFunction[]
    {
        // General
        new("ispresent", 1, 1, a => LogValue.FromBoolean(!a[0].IsNull)),
        new("isempty", 1, 1, a => LogValue.FromBoolean(a[0].IsNull || a[0].ToString().Length == 0)),
        new("isblank", 1, 1, a => LogValue.FromBoolean(a[0].IsNull || string.IsNullOrWhiteSpace(a[0].ToString()))),
        new("coalesce", 1, Many, Coalesce),

        // String
        // Returns 1 or 0, not a boolean (the AWS page's "number" result type), so that sum() and avg() of it count matches.
        new("strcontains", 2, 2, a => a[0].IsNull || a[1].IsNull ? LogValue.Null
            : LogValue.FromNumber(a[0].ToString().Contains(a[1].ToString(), StringComparison.Ordinal) ? 1 : 0)),
        new("strlen", 1, 1, a => a[0].IsNull ? LogValue.Null : LogValue.FromNumber(a[0].ToString().Length)),
        new("tolower", 1, 1, a => a[0].IsNull ? LogValue.Null : LogValue.FromString(a[0].ToString().ToLowerInvariant())),
        new("toupper", 1, 1, a => a[0].IsNull ? LogValue.Null : LogValue.FromString(a[0].ToString().ToUpperInvariant())),
        new("trim", 1, 1, a => a[0].IsNull ? LogValue.Null : LogValue.FromString(a[0].ToString().Trim())),
        new("ltrim", 1, 1, a => a[0].IsNull ? LogValue.Null : LogValue.FromString(a[0].ToString().TrimStart())),
        new("rtrim", 1, 1, a => a[0].IsNull ? LogValue.Null : LogValue.FromString(a[0].ToString().TrimEnd())),
        new("concat", 1, Many, Concat),
        new("substr", 2, 3, Substring),
        new("replace", 3, 3, a => Text(a, 3) is { } t && t[1].Length > 0 ? LogValue.FromString(t[0].Replace(t[1], t[2], StringComparison.Ordinal)) : a[0]),

        // Numeric
        new("abs", 1, 1, a => Numeric(a[0], Math.Abs)),
        new("ceil", 1, 1, a => Numeric(a[0], Math.Ceiling)),
        new("floor", 1, 1, a => Numeric(a[0], Math.Floor)),
        new("round", 1, 2, Round),
        new("sqrt", 1, 1, a => Numeric(a[0], Math.Sqrt)),
        new("log", 1, 1, a => Numeric(a[0], Math.Log)),
        new("pow", 2, 2, a => a[0].TryGetNumber(out var x) && a[1].TryGetNumber(out var y) ? LogValue.FromNumber(Math.Pow(x, y)) : LogValue.Null),
        new("greatest", 1, Many, a => Extreme(a, 1)),
        new("least", 1, Many, a => Extreme(a, -1)),

        // Datetime
        new("frommillis", 1, 1, a => a[0].TryGetNumber(out var ms) ? LogValue.FromTimestamp(ms) : LogValue.Null),
        new("tomillis", 1, 1, a => ValueComparison.TryGetTime(a[0], out var ms) ? LogValue.FromNumber(ms) : LogValue.Null),
    }.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public static bool TryGet(string name, out ScalarFunction function) => Table.TryGetValue(name, out function!);

    public static IEnumerable<string> Names => Table.Keys;

    private static LogValue Coalesce(ReadOnlySpan<LogValue> arguments)
    {
        foreach (var argument in arguments)
        {
            if (!argument.IsNull)
            {
                return argument;
            }
        }

        return LogValue.Null;
    }

    // Missing arguments are left out, as an empty string would be.
    private static LogValue Concat(ReadOnlySpan<LogValue> arguments)
    {
        var text = new StringBuilder();
        foreach (var argument in arguments)
        {
            text.Append(argument.ToString());
        }

        return LogValue.FromString(text.ToString());
    }

    // substr(str, startIndex[, length]): a 0-based start; past the end gives "".
    private static LogValue Substring(ReadOnlySpan<LogValue> a)
    {
        if (a[0].IsNull || !a[1].TryGetNumber(out var start))
        {
            return LogValue.Null;
        }

        var text = a[0].ToString();
        var from = (int)Math.Clamp(Math.Floor(start), 0, text.Length);
        var length = text.Length - from;
        if (a.Length == 3)
        {
            if (!a[2].TryGetNumber(out var requested))
            {
                return LogValue.Null;
            }

            length = (int)Math.Clamp(Math.Floor(requested), 0, length);
        }

        return LogValue.FromString(text.Substring(from, length));
    }

    // round(a[, digits]): halves away from zero, as people round by hand.
    private static LogValue Round(ReadOnlySpan<LogValue> a)
    {
        if (!a[0].TryGetNumber(out var x))
        {
            return LogValue.Null;
        }

        var digits = 0d;
        if (a.Length == 2 && !a[1].TryGetNumber(out digits))
        {
            return LogValue.Null;
        }

        return LogValue.FromNumber(Math.Round(x, (int)Math.Clamp(digits, 0, 15), MidpointRounding.AwayFromZero));
    }

    private static LogValue Extreme(ReadOnlySpan<LogValue> arguments, int sign)
    {
        double? best = null;
        foreach (var argument in arguments)
        {
            if (argument.TryGetNumber(out var x) && (best is null || x.CompareTo(best.Value) * sign > 0))
            {
                best = x;
            }
        }

        return best is { } value ? LogValue.FromNumber(value) : LogValue.Null;
    }

    private static LogValue Numeric(in LogValue value, Func<double, double> operation) =>
        value.TryGetNumber(out var x) ? LogValue.FromNumber(operation(x)) : LogValue.Null;

    // The first n arguments as text, or null when one of them is missing.
    private static string[]? Text(ReadOnlySpan<LogValue> arguments, int n)
    {
        var texts = new string[n];
        for (var i = 0; i < n; i++)
        {
            if (arguments[i].IsNull)
            {
                return null;
            }

            texts[i] = arguments[i].ToString();
        }

        return texts;
    }
}
