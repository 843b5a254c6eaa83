namespace Paywatch.Patterns;

/// <summary>The JSON type of a leaf value in an event.</summary>
internal enum EventValueKind : byte
{
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// One leaf value of an event, as matchers see it: its JSON type; for a string its unescaped UTF-8 text, for
/// anything else its JSON text; and, computed once by whoever reads the event, the forms some matchers need.
/// </summary>
internal readonly ref struct EventValue
{
    /// <param name="kind">The value's JSON type.</param>
    /// <param name="text">Unescaped UTF-8 for a string, the JSON text otherwise.</param>
    /// <param name="forms">Which derived forms to compute: only what the field's matchers use.</param>
    /// <param name="folded">The case-folded text, when <paramref name="forms"/> asks for it.</param>
    public EventValue(EventValueKind kind, ReadOnlySpan<byte> text, ValueForms forms, ReadOnlySpan<byte> folded = default)
    {
        Kind = kind;
        Text = text;
        Folded = folded;
        IsComparable = (forms & ValueForms.Number) != 0 && kind == EventValueKind.Number
            && ComparableNumber.TryParse(text, out Number);
        IsIp = (forms & ValueForms.Ip) != 0 && kind == EventValueKind.String && text.Length is >= 2 and <= 45
            && IpRange.TryParseAddress(text, out IsV6, out Ip);
    }

    public EventValueKind Kind { get; }

    public ReadOnlySpan<byte> Text { get; }

    /// <summary>A number EventBridge can compare (see <see cref="ComparableNumber"/>), as a double.</summary>
    public readonly bool IsComparable;

    public readonly double Number;

    /// <summary>A string that is an IPv4 or IPv6 address, as a 128-bit number.</summary>
    public readonly bool IsIp;

    public readonly bool IsV6;

    public readonly UInt128 Ip;

    /// <summary>The case-folded text of a string (see <see cref="CaseFolding"/>); set only when some matcher needs it.</summary>
    public ReadOnlySpan<byte> Folded { get; }

    public bool IsString => Kind == EventValueKind.String;
}

/// <summary>The derived forms of an event value that a field's matchers need.</summary>
[Flags]
internal enum ValueForms : byte
{
    None = 0,
    Number = 1,
    Ip = 2,
    Folded = 4,
    All = Number | Ip | Folded,
}
