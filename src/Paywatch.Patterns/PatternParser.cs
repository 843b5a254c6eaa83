using System.Text.Json;

namespace Paywatch.Patterns;

/// <summary>
/// Turns a pattern's JSON into branches of field conditions, rejecting what EventBridge rejects with its wording.
/// </summary>
/// <remarks>
/// <c>$or</c> is expanded as EventBridge does: the branches built so far are multiplied by the objects in the
/// <c>$or</c> array, and fields that follow apply to every branch.
/// </remarks>
internal static class PatternParser
{
    private const string Or = "$or";

    // Names that may not be field names inside $or: EventBridge's engine reserves them for operators
    // (aws/event-ruler Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP).
    private static readonly HashSet<string> ReservedInsideOr =
    [
        "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
        "html", "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case", "date-after",
        "date-on-or-after", "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
        "ip-address-not-in-range",
    ];

    public static IReadOnlyList<PatternBranch> Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("Filter is not an object", null);
        }

        var branches = new List<Dictionary<string, FieldCondition>>();
        ParseObject(root, string.Empty, branches, insideOr: false);
        return [.. branches.Select(b => new PatternBranch([.. b.Values]))];
    }

    private static void ParseObject(JsonElement element, string path, List<Dictionary<string, FieldCondition>> branches, bool insideOr)
    {
        var any = false;
        foreach (var property in element.EnumerateObject())
        {
            any = true;
            var name = property.Name;
            if (name == Or)
            {
                ParseOr(property.Value, path, branches);
                continue;
            }

            var fieldPath = path.Length == 0 ? name : path + "." + name;
            if (insideOr && ReservedInsideOr.Contains(name))
            {
                throw Invalid($"{name} is Ruler reserved fieldName which cannot be used inside {Or}.", fieldPath);
            }

            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    ParseObject(property.Value, fieldPath, branches, insideOr);
                    break;
                case JsonValueKind.Array:
                    var condition = new FieldCondition(fieldPath, ParseValues(property.Value, fieldPath));
                    if (branches.Count == 0)
                    {
                        branches.Add([]);
                    }

                    // A repeated key replaces the earlier one, as in EventBridge's engine.
                    foreach (var branch in branches)
                    {
                        branch[fieldPath] = condition;
                    }

                    break;
                default:
                    throw Invalid($"\"{name}\" must be an object or an array", fieldPath);
            }
        }

        if (!any)
        {
            throw Invalid("Empty objects are not allowed", path);
        }
    }

    private static void ParseOr(JsonElement array, string path, List<Dictionary<string, FieldCondition>> branches)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"It must be an Array followed with {Or}.", path);
        }

        var before = branches.Select(b => new Dictionary<string, FieldCondition>(b)).ToList();
        branches.Clear();
        var count = 0;
        foreach (var item in array.EnumerateArray())
        {
            count++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"Only JSON object is allowed in array of {Or} relationship.", path);
            }

            var alternative = before.Count == 0
                ? new List<Dictionary<string, FieldCondition>> { new() }
                : before.Select(b => new Dictionary<string, FieldCondition>(b)).ToList();
            ParseObject(item, path, alternative, insideOr: true);
            branches.AddRange(alternative);
        }

        if (count < 2)
        {
            throw Invalid($"There must have at least 2 Objects in {Or} relationship.", path);
        }
    }

    private static ValueMatcher[] ParseValues(JsonElement array, string path)
    {
        var matchers = new List<ValueMatcher>();
        foreach (var item in array.EnumerateArray())
        {
            switch (item.ValueKind)
            {
                case JsonValueKind.String:
                    matchers.Add(new ExactStringMatcher(item.GetString()!, matchIp: true));
                    break;
                case JsonValueKind.Number:
                    var text = item.GetRawText();
                    // A number that is not comparable (an account id, say) still matches when spelled the same.
                    matchers.Add(new ExactNumberMatcher(text, ComparableNumber.TryParse(text, out var n, out _) ? n : null));
                    break;
                case JsonValueKind.True:
                    matchers.Add(new LiteralMatcher(EventValueKind.True));
                    break;
                case JsonValueKind.False:
                    matchers.Add(new LiteralMatcher(EventValueKind.False));
                    break;
                case JsonValueKind.Null:
                    matchers.Add(new LiteralMatcher(EventValueKind.Null));
                    break;
                case JsonValueKind.Object:
                    matchers.Add(ParseOperator(item, path));
                    break;
                default:
                    throw Invalid("Match value must be String, number, true, false, or null", path);
            }
        }

        if (matchers.Count == 0)
        {
            throw Invalid("Empty arrays are not allowed", path);
        }

        return [.. matchers];
    }

    private static ValueMatcher ParseOperator(JsonElement expression, string path)
    {
        using var properties = expression.EnumerateObject();
        if (!properties.MoveNext())
        {
            throw Invalid("Match expression name not found", path);
        }

        var op = properties.Current;
        var matcher = op.Name switch
        {
            "exactly" => new ExactStringMatcher(RequireString(op.Value, "exact match pattern must be a string", path), matchIp: false),
            "prefix" => ParseAffix(op.Value, path, "prefix", static (s, ic) => new PrefixMatcher(s, ic)),
            "suffix" => ParseAffix(op.Value, path, "suffix", static (s, ic) => new SuffixMatcher(s, ic)),
            "equals-ignore-case" => new EqualsIgnoreCaseMatcher(RequireString(op.Value, "equals-ignore-case match pattern must be a string", path)),
            "wildcard" => new WildcardMatcher(ParseWildcard(RequireString(op.Value, "wildcard match pattern must be a string", path), path)),
            "numeric" => ParseNumeric(op.Value, path),
            "anything-but" => AnythingButMatcher.Parse(op.Value, path),
            "exists" => op.Value.ValueKind switch
            {
                JsonValueKind.True => new ExistsMatcher(true),
                JsonValueKind.False => new ExistsMatcher(false),
                _ => throw Invalid("exists match pattern must be either true or false.", path),
            },
            "cidr" => ParseCidr(op.Value, path),
            _ => throw Invalid($"Unrecognized match type {op.Name}", path),
        };

        if (properties.MoveNext())
        {
            throw Invalid(op.Name is "numeric" or "anything-but" ? "Too many elements in numeric expression" : "Only one key allowed in match expression", path);
        }

        return matcher;
    }

    private static ValueMatcher ParseAffix(JsonElement value, string path, string op, Func<string, bool, ValueMatcher> create)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            // {"prefix": {"equals-ignore-case": "..."}}
            using var inner = value.EnumerateObject();
            var label = char.ToUpperInvariant(op[0]) + op[1..];
            if (!inner.MoveNext())
            {
                throw Invalid($"{label} expression name not found", path);
            }

            if (inner.Current.Name != "equals-ignore-case")
            {
                throw Invalid($"Unsupported {op} pattern: {inner.Current.Name}", path);
            }

            var text = RequireString(inner.Current.Value, "equals-ignore-case match pattern must be a string", path);
            if (inner.MoveNext())
            {
                throw Invalid("Only one key allowed in match expression", path);
            }

            return create(text, true);
        }

        return create(RequireString(value, $"{op} match pattern must be a string", path), false);
    }

    private static CidrMatcher ParseCidr(JsonElement value, string path)
    {
        var text = RequireString(value, "prefix match pattern must be a string", path);
        return IpRange.TryParseCidr(text, out var range, out var error) ? new CidrMatcher(range) : throw Invalid(error!, path);
    }

    internal static Wildcard ParseWildcard(string text, string path) =>
        Wildcard.TryParse(text, out var wildcard, out var error) ? wildcard! : throw Invalid(error!, path);

    // ["=", x] | [">" | ">=", x] | ["<" | "<=", x] | [">" | ">=", x, "<" | "<=", y]
    private static NumericMatcher ParseNumeric(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("Value of numeric must be an array.", path);
        }

        var terms = value.EnumerateArray().ToArray();
        if (terms.Length == 0 || terms[0].ValueKind != JsonValueKind.String)
        {
            throw Invalid($"Invalid member in numeric match: {(terms.Length == 0 ? "]" : terms[0].GetRawText())}", path);
        }

        var op = terms[0].GetString()!;
        if (op is not ("=" or ">" or ">=" or "<" or "<="))
        {
            throw Invalid($"Unrecognized numeric range operator: {op}", path);
        }

        var first = Number(terms, 1, op, path);
        switch (op)
        {
            case "=":
                NoMoreTerms(terms, 2, path, "Too many elements in numeric expression");
                return new NumericMatcher(first, false, first, false);
            case "<" or "<=":
                NoMoreTerms(terms, 2, path, "Too many elements in numeric expression");
                return new NumericMatcher(null, false, first, op == "<");
        }

        if (terms.Length == 2)
        {
            return new NumericMatcher(first, op == ">", null, false);
        }

        if (terms[2].ValueKind != JsonValueKind.String)
        {
            throw Invalid($"Bad value in numeric range: {terms[2].GetRawText()}", path);
        }

        var upperOp = terms[2].GetString()!;
        if (upperOp is not ("<" or "<="))
        {
            throw Invalid($"Bad numeric range operator: {upperOp}", path);
        }

        var second = Number(terms, 3, upperOp, path);
        NoMoreTerms(terms, 4, path, "Too many terms in numeric range expression");
        if (first >= second)
        {
            throw Invalid("Bottom must be less than top", path);
        }

        return new NumericMatcher(first, op == ">", second, upperOp == "<");
    }

    private static double Number(JsonElement[] terms, int index, string op, string path)
    {
        if (index >= terms.Length || terms[index].ValueKind != JsonValueKind.Number)
        {
            throw Invalid($"Value of {(op == "=" ? "equals" : op)} must be numeric", path);
        }

        return ComparableNumber.TryParse(terms[index].GetRawText(), out var number, out var error)
            ? number
            : throw Invalid(error!, path);
    }

    private static void NoMoreTerms(JsonElement[] terms, int count, string path, string message)
    {
        if (terms.Length > count)
        {
            throw Invalid(message, path);
        }
    }

    internal static string RequireString(JsonElement value, string message, string path) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(message, path);

    internal static InvalidEventPatternException Invalid(string reason, string? path) => new(reason, path);
}
