using System.Globalization;
using System.Text.Json;

namespace Paywatch.Patterns;

/// <summary>What an <c>anything-but</c> excludes.</summary>
internal enum AnythingButKind : byte
{
    /// <summary><c>"s"</c> or <c>["a", "b"]</c>: strings equal to one of these.</summary>
    Strings,

    /// <summary><c>5</c> or <c>[1, 2]</c>: numbers equal (as <see cref="ComparableNumber"/>s) to one of these.</summary>
    Numbers,

    /// <summary><c>{"prefix": ...}</c>: strings starting with one of these.</summary>
    Prefix,

    /// <summary><c>{"suffix": ...}</c>: strings ending with one of these.</summary>
    Suffix,

    /// <summary><c>{"equals-ignore-case": ...}</c>: strings equal to one of these, ignoring case.</summary>
    EqualsIgnoreCase,

    /// <summary><c>{"wildcard": ...}</c>: strings matching one of these wildcards.</summary>
    Wildcard,
}

/// <summary>
/// <c>{"anything-but": ...}</c>: matches any value present at the field except the excluded ones. A value of
/// another type is never excluded (anything-but <c>"x"</c> matches <c>5</c> and <c>null</c>); a missing field
/// never matches, like every operator except <c>exists</c>.
/// </summary>
internal sealed class AnythingButMatcher : ValueMatcher
{
    private readonly Utf8Map<bool>? _strings;
    private readonly HashSet<double>? _numbers;
    private readonly byte[][] _affixes = [];
    private readonly Wildcard[] _wildcards = [];

    private AnythingButMatcher(AnythingButKind kind, IReadOnlyList<string> values)
    {
        Kind = kind;
        Key = "!" + kind + ":" + string.Join('\u0001', values.Order(StringComparer.Ordinal));
        switch (kind)
        {
            case AnythingButKind.Strings:
                _strings = new Utf8Map<bool>(values.Distinct().Select(v => KeyValuePair.Create(Encoding.UTF8.GetBytes(v), true)));
                break;
            case AnythingButKind.EqualsIgnoreCase:
                _strings = new Utf8Map<bool>(values.Select(CaseFolding.Fold).DistinctBy(Convert.ToBase64String)
                    .Select(v => KeyValuePair.Create(v, true)));
                break;
            case AnythingButKind.Numbers:
                _numbers = [.. values.Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
                break;
            case AnythingButKind.Prefix or AnythingButKind.Suffix:
                _affixes = [.. values.Select(Encoding.UTF8.GetBytes)];
                break;
            case AnythingButKind.Wildcard:
                _wildcards = [.. values.Select(v => PatternParser.ParseWildcard(v, string.Empty))];
                break;
        }
    }

    public AnythingButKind Kind { get; }

    public override string Key { get; }

    public override ValueForms Needs => Kind switch
    {
        AnythingButKind.Numbers => ValueForms.Number,
        AnythingButKind.EqualsIgnoreCase => ValueForms.Folded,
        _ => ValueForms.None,
    };

    public override bool Matches(in EventValue value) => !IsExcluded(value);

    private bool IsExcluded(in EventValue value)
    {
        if (Kind == AnythingButKind.Numbers)
        {
            return value.IsComparable && _numbers!.Contains(value.Number);
        }

        if (!value.IsString)
        {
            return false;
        }

        switch (Kind)
        {
            case AnythingButKind.Strings:
                return _strings!.ContainsKey(value.Text);
            case AnythingButKind.EqualsIgnoreCase:
                return _strings!.ContainsKey(value.Folded);
            case AnythingButKind.Prefix:
                foreach (var prefix in _affixes)
                {
                    if (value.Text.StartsWith(prefix))
                    {
                        return true;
                    }
                }

                return false;
            case AnythingButKind.Suffix:
                foreach (var suffix in _affixes)
                {
                    if (value.Text.EndsWith(suffix))
                    {
                        return true;
                    }
                }

                return false;
            default:
                foreach (var wildcard in _wildcards)
                {
                    if (wildcard.Matches(value.Text))
                    {
                        return true;
                    }
                }

                return false;
        }
    }

    /// <summary>Parses the value of <c>anything-but</c>, with EventBridge's rules and messages.</summary>
    public static AnythingButMatcher Parse(JsonElement value, string path)
    {
        var kind = AnythingButKind.Strings;
        if (value.ValueKind == JsonValueKind.Object)
        {
            using var inner = value.EnumerateObject();
            if (!inner.MoveNext())
            {
                throw PatternParser.Invalid("Anything-But expression name not found", path);
            }

            kind = inner.Current.Name switch
            {
                "equals-ignore-case" => AnythingButKind.EqualsIgnoreCase,
                "prefix" => AnythingButKind.Prefix,
                "suffix" => AnythingButKind.Suffix,
                "wildcard" => AnythingButKind.Wildcard,
                _ => throw PatternParser.Invalid($"Unsupported anything-but pattern: {inner.Current.Name}", path),
            };
            var operand = inner.Current.Value;
            if (inner.MoveNext())
            {
                throw PatternParser.Invalid("Too many elements in numeric expression", path);
            }

            value = operand;
        }

        if (value.ValueKind is not (JsonValueKind.Array or JsonValueKind.String or JsonValueKind.Number))
        {
            throw PatternParser.Invalid("Value of anything-but must be an array or single string/number value.", path);
        }

        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToArray() : [value];
        return kind == AnythingButKind.Strings ? ParseValues(items, value.ValueKind == JsonValueKind.Array, path) : ParseSet(kind, items, path);
    }

    // anything-but "s" | 5 | ["a", "b"] | [1, 2]: all strings or all numbers.
    private static AnythingButMatcher ParseValues(JsonElement[] items, bool isList, string path)
    {
        var strings = new List<string>();
        var numbers = new List<string>();
        foreach (var item in items)
        {
            switch (item.ValueKind)
            {
                case JsonValueKind.String:
                    strings.Add(item.GetString()!);
                    break;
                case JsonValueKind.Number:
                    var text = item.GetRawText();
                    if (!ComparableNumber.TryParse(text, out var number, out var error))
                    {
                        throw PatternParser.Invalid(error!, path);
                    }

                    numbers.Add(number.ToString("R", CultureInfo.InvariantCulture));
                    break;
                default:
                    throw PatternParser.Invalid(
                        isList ? "Inside anything but list, start|null|boolean is not supported." : "Inside anything-but list, start|null|boolean is not supported.",
                        path);
            }
        }

        if ((strings.Count > 0) == (numbers.Count > 0))
        {
            throw PatternParser.Invalid("Inside anything but list, either all values are number or string, mixed type is not supported", path);
        }

        return strings.Count > 0 ? new AnythingButMatcher(AnythingButKind.Strings, strings) : new AnythingButMatcher(AnythingButKind.Numbers, numbers);
    }

    // anything-but {"prefix" | "suffix" | "equals-ignore-case" | "wildcard": "s" | ["a", "b"]}: strings only.
    private static AnythingButMatcher ParseSet(AnythingButKind kind, JsonElement[] items, string path)
    {
        var values = new List<string>();
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw PatternParser.Invalid(
                    kind switch
                    {
                        AnythingButKind.EqualsIgnoreCase => "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
                        AnythingButKind.Wildcard => "wildcard match pattern must be a string",
                        _ => "prefix/suffix match pattern must be a string",
                    },
                    path);
            }

            var text = item.GetString()!;
            if (text.Length == 0 && kind is AnythingButKind.Prefix or AnythingButKind.Suffix)
            {
                throw PatternParser.Invalid("Null prefix/suffix not allowed", path);
            }

            if (kind == AnythingButKind.Wildcard)
            {
                PatternParser.ParseWildcard(text, path);
            }

            values.Add(text);
        }

        return new AnythingButMatcher(kind, values);
    }
}
