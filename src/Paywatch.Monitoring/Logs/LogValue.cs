namespace Paywatch.Monitoring.Logs;

/// <summary>The type of a value in a Logs Insights row.</summary>
public enum LogValueKind : byte
{
    /// <summary>Missing: the field is not in the event, or the expression has no value.</summary>
    Null,
    Number,
    Text,
    Boolean,

    /// <summary>A point in time, held as milliseconds since the Unix epoch (<c>@timestamp</c>, <c>bin()</c>).</summary>
    Timestamp,
}

/// <summary>
/// One value of a field or expression. A small struct so that rows are arrays of values with no boxing:
/// numbers, booleans (1 or 0) and timestamps (epoch milliseconds) live in <see cref="Number"/>, strings in <see cref="Text"/>.
/// </summary>
public readonly struct LogValue : IEquatable<LogValue>
{
    private LogValue(LogValueKind kind, double number, string? text)
    {
        Kind = kind;
        Number = number;
        Text = text;
    }

    public static LogValue Null => default;

    public static LogValue True { get; } = new(LogValueKind.Boolean, 1, null);

    public static LogValue False { get; } = new(LogValueKind.Boolean, 0, null);

    public LogValueKind Kind { get; }

    public double Number { get; }

    public string? Text { get; }

    public bool IsNull => Kind == LogValueKind.Null;

    public static LogValue FromNumber(double number) =>
        double.IsFinite(number) ? new(LogValueKind.Number, number, null) : default;

    public static LogValue FromString(string? text) => text is null ? default : new(LogValueKind.Text, 0, text);

    public static LogValue FromBoolean(bool value) => value ? True : False;

    public static LogValue FromTimestamp(double epochMilliseconds) =>
        double.IsFinite(epochMilliseconds) ? new(LogValueKind.Timestamp, epochMilliseconds, null) : default;

    public static LogValue FromTimestamp(DateTimeOffset time) => FromTimestamp(time.ToUnixTimeMilliseconds());

    /// <summary>
    /// The value as a number: numbers, booleans and timestamps as they are, and strings that are wholly a number
    /// ("42", "-1.5"), because JSON logs often carry numbers as text.
    /// </summary>
    public bool TryGetNumber(out double number)
    {
        switch (Kind)
        {
            case LogValueKind.Number or LogValueKind.Boolean or LogValueKind.Timestamp:
                number = Number;
                return true;
            case LogValueKind.Text:
                return TryParseNumber(Text!, out number);
            default:
                number = 0;
                return false;
        }
    }

    internal static bool TryParseNumber(ReadOnlySpan<char> text, out double number) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number)
        && text.Length > 0 && (char.IsAsciiDigit(text[^1]) || text[^1] == '.');

    /// <summary>The value as text: what the result table shows, and what string functions work on.</summary>
    public override string ToString() => Kind switch
    {
        LogValueKind.Text => Text!,
        LogValueKind.Number => FormatNumber(Number),
        LogValueKind.Boolean => Number != 0 ? "true" : "false",
        // Logs Insights shows @timestamp as "2024-01-02 03:04:05.678" (UTC) in results.
        LogValueKind.Timestamp => FormatTimestamp(Number),
        _ => "",
    };

    internal static string FormatNumber(double number) =>
        number == Math.Floor(number) && Math.Abs(number) < 1e15
            ? ((long)number).ToString(CultureInfo.InvariantCulture)
            : number.ToString("R", CultureInfo.InvariantCulture);

    internal static string FormatTimestamp(double epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(epochMilliseconds))
            .UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>Same kind and same value; strings compare ordinally (field values are case-sensitive).</summary>
    public bool Equals(LogValue other) =>
        Kind == other.Kind && (Kind == LogValueKind.Text ? string.Equals(Text, other.Text, StringComparison.Ordinal) : Number.Equals(other.Number));

    public override bool Equals(object? obj) => obj is LogValue other && Equals(other);

    public override int GetHashCode() =>
        Kind == LogValueKind.Text ? HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(Text!)) : HashCode.Combine(Kind, Number);

    public static bool operator ==(LogValue left, LogValue right) => left.Equals(right);

    public static bool operator !=(LogValue left, LogValue right) => !left.Equals(right);
}
