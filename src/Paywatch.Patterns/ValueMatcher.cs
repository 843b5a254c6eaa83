namespace Paywatch.Patterns;

/// <summary>
/// One element of a pattern field's array: a value, or an operator object such as <c>{"prefix": "us-"}</c>.
/// A field matches when any of its matchers matches any of the event's values at that path.
/// </summary>
/// <remarks>
/// As in EventBridge, an exact value matches only a value of the same JSON type: the pattern string
/// <c>"10"</c> never matches the number <c>10</c>. String operators (prefix, suffix, equals-ignore-case,
/// wildcard, cidr) match strings only; <c>numeric</c> matches numbers only.
/// </remarks>
internal abstract class ValueMatcher
{
    /// <summary>A canonical text, equal for matchers that match the same values, to share them across rules.</summary>
    public abstract string Key { get; }

    /// <summary>The derived forms of event values this matcher reads.</summary>
    public virtual ValueForms Needs => ValueForms.None;

    public abstract bool Matches(in EventValue value);

    public override string ToString() => Key;
}

/// <summary>An exact string: <c>"running"</c> or <c>{"exactly": "running"}</c>. A plain string that is an IP
/// address matches that address however the event spells it (EventBridge compares IP-address strings as
/// addresses).</summary>
internal sealed class ExactStringMatcher(string value, bool matchIp) : ValueMatcher
{
    public byte[] Utf8 { get; } = Encoding.UTF8.GetBytes(value);

    public IpRange? Ip { get; } = matchIp && IpRange.TryParseSingle(value, out var ip) ? ip : null;

    public override string Key { get; } = (matchIp ? "s:" : "S:") + value;

    public override ValueForms Needs => Ip is null ? ValueForms.None : ValueForms.Ip;

    public override bool Matches(in EventValue value) =>
        value.IsString && (value.Text.SequenceEqual(Utf8) || (Ip is { } ip && value.IsIp && ip.Contains(value.IsV6, value.Ip)));
}

/// <summary>An exact number: <c>10000</c>. Matches an event number spelled the same, or equal as a
/// <see cref="ComparableNumber"/> (so <c>10000.0</c> and <c>1e4</c> too).</summary>
internal sealed class ExactNumberMatcher(string text, double? comparable) : ValueMatcher
{
    public byte[] Utf8 { get; } = Encoding.UTF8.GetBytes(text);

    public double? Comparable { get; } = comparable;

    public override string Key { get; } = comparable is { } c ? "n:" + c.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "t:" + text;

    public override ValueForms Needs => ValueForms.Number;

    public override bool Matches(in EventValue value) =>
        value.Kind == EventValueKind.Number
        && (value.Text.SequenceEqual(Utf8) || (Comparable is { } c && value.IsComparable && value.Number == c));
}

/// <summary><c>true</c>, <c>false</c> or <c>null</c>: matches the same JSON literal only (not <c>"true"</c>,
/// not <c>""</c>, not a missing field).</summary>
internal sealed class LiteralMatcher(EventValueKind kind) : ValueMatcher
{
    public EventValueKind Kind { get; } = kind;

    public override string Key { get; } = "l:" + kind;

    public override bool Matches(in EventValue value) => value.Kind == Kind;
}

/// <summary><c>{"prefix": "us-"}</c> or <c>{"prefix": {"equals-ignore-case": "us-"}}</c>.</summary>
internal sealed class PrefixMatcher(string prefix, bool ignoreCase) : ValueMatcher
{
    public byte[] Utf8 { get; } = ignoreCase ? CaseFolding.Fold(prefix) : Encoding.UTF8.GetBytes(prefix);

    public bool IgnoreCase { get; } = ignoreCase;

    public override string Key { get; } = (ignoreCase ? "pi:" : "p:") + prefix;

    public override ValueForms Needs => IgnoreCase ? ValueForms.Folded : ValueForms.None;

    public override bool Matches(in EventValue value) =>
        value.IsString && (IgnoreCase ? value.Folded : value.Text).StartsWith(Utf8);
}

/// <summary><c>{"suffix": ".png"}</c> or <c>{"suffix": {"equals-ignore-case": ".png"}}</c>.</summary>
internal sealed class SuffixMatcher(string suffix, bool ignoreCase) : ValueMatcher
{
    public byte[] Utf8 { get; } = ignoreCase ? CaseFolding.Fold(suffix) : Encoding.UTF8.GetBytes(suffix);

    public bool IgnoreCase { get; } = ignoreCase;

    public override string Key { get; } = (ignoreCase ? "xi:" : "x:") + suffix;

    public override ValueForms Needs => IgnoreCase ? ValueForms.Folded : ValueForms.None;

    public override bool Matches(in EventValue value) =>
        value.IsString && (IgnoreCase ? value.Folded : value.Text).EndsWith(Utf8);
}

/// <summary><c>{"equals-ignore-case": "alice"}</c>.</summary>
internal sealed class EqualsIgnoreCaseMatcher(string text) : ValueMatcher
{
    public byte[] Folded { get; } = CaseFolding.Fold(text);

    public override string Key { get; } = "i:" + text.ToLowerInvariant();

    public override ValueForms Needs => ValueForms.Folded;

    public override bool Matches(in EventValue value) => value.IsString && value.Folded.SequenceEqual(Folded);
}

/// <summary><c>{"wildcard": "*/lib/*"}</c>.</summary>
internal sealed class WildcardMatcher(Wildcard wildcard) : ValueMatcher
{
    public Wildcard Wildcard { get; } = wildcard;

    public override string Key { get; } = "w:" + wildcard.Text;

    public override bool Matches(in EventValue value) => value.IsString && Wildcard.Matches(value.Text);
}

/// <summary><c>{"numeric": [">", 0, "&lt;=", 5]}</c>: a range over <see cref="ComparableNumber"/>s, either end open or
/// absent. <c>["=", x]</c> is the range [x, x].</summary>
internal sealed class NumericMatcher(double? lower, bool lowerOpen, double? upper, bool upperOpen) : ValueMatcher
{
    public double? Lower { get; } = lower;

    public bool LowerOpen { get; } = lowerOpen;

    public double? Upper { get; } = upper;

    public bool UpperOpen { get; } = upperOpen;

    public override string Key { get; } =
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"r:{(lowerOpen ? '(' : '[')}{lower:R}:{upper:R}{(upperOpen ? ')' : ']')}");

    public override ValueForms Needs => ValueForms.Number;

    public bool Contains(double number) =>
        (Lower is not { } low || (LowerOpen ? number > low : number >= low))
        && (Upper is not { } high || (UpperOpen ? number < high : number <= high));

    public override bool Matches(in EventValue value) => value.IsComparable && Contains(value.Number);
}

/// <summary><c>{"cidr": "10.0.0.0/24"}</c>: a string that is an IP address inside the network.</summary>
internal sealed class CidrMatcher(IpRange range) : ValueMatcher
{
    public IpRange Range { get; } = range;

    public override string Key { get; } = $"c:{(range.IsV6 ? 6 : 4)}:{range.First:X}-{range.Last:X}";

    public override ValueForms Needs => ValueForms.Ip;

    public override bool Matches(in EventValue value) => value.IsIp && Range.Contains(value.IsV6, value.Ip);
}

/// <summary><c>{"exists": true}</c> or <c>{"exists": false}</c>. Only leaf values count as present: a field
/// holding an object, or an empty array, does not exist for this purpose.</summary>
internal sealed class ExistsMatcher(bool exists) : ValueMatcher
{
    public bool Exists { get; } = exists;

    public override string Key { get; } = exists ? "e:true" : "e:false";

    // "exists": false is decided by the field's absence, never by a value that is present.
    public override bool Matches(in EventValue value) => Exists;
}
