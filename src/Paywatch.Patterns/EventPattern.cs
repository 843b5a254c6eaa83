using System.Text.Json;

namespace Paywatch.Patterns;

/// <summary>
/// A validated EventBridge event pattern. Parsing follows EventBridge: a pattern is a non-empty JSON object whose
/// leaves are non-empty arrays of values and operators; <c>$or</c> arrays split it into alternative branches.
/// </summary>
/// <remarks>
/// Spec: "Creating Amazon EventBridge event patterns", "Comparison operators for use in event patterns" and
/// "Content filtering in Amazon EventBridge event patterns" (docs.aws.amazon.com/eventbridge/latest/userguide/).
/// The validation messages are EventBridge's (its matching engine is aws/event-ruler).
/// </remarks>
public sealed class EventPattern
{
    private EventPattern(string text, IReadOnlyList<PatternBranch> branches)
    {
        Text = text;
        Branches = branches;
    }

    /// <summary>The pattern as it was given.</summary>
    public string Text { get; }

    /// <summary>The pattern's alternatives after expanding <c>$or</c>: it matches when any branch matches.</summary>
    internal IReadOnlyList<PatternBranch> Branches { get; }

    /// <exception cref="InvalidEventPatternException">The pattern is not valid JSON or not a valid pattern.</exception>
    public static EventPattern Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw PatternParser.Invalid($"Pattern is not valid JSON: {e.Message}", null);
        }

        using (document)
        {
            return new EventPattern(json, PatternParser.Parse(document.RootElement));
        }
    }

    /// <summary>Parses without throwing: null and a reason when the pattern is invalid.</summary>
    public static EventPattern? TryParse(string json, out string? error)
    {
        try
        {
            error = null;
            return Parse(json);
        }
        catch (InvalidEventPatternException e)
        {
            error = e.Message;
            return null;
        }
    }

    public override string ToString() => Text;
}

/// <summary>One alternative of a pattern: every condition must hold.</summary>
internal sealed class PatternBranch(IReadOnlyList<FieldCondition> conditions)
{
    public IReadOnlyList<FieldCondition> Conditions { get; } = conditions;
}

/// <summary>One field of a branch: the event's values at <see cref="Path"/> must satisfy one of the matchers.</summary>
internal sealed class FieldCondition(string path, IReadOnlyList<ValueMatcher> matchers)
{
    /// <summary>The field's dotted path. Like EventBridge, nested keys and keys containing dots are the same path.</summary>
    public string Path { get; } = path;

    public IReadOnlyList<ValueMatcher> Matchers { get; } = matchers;

    /// <summary>Whether the condition also holds when the field is absent (<c>{"exists": false}</c>).</summary>
    public bool AllowsAbsence { get; } = matchers.Any(m => m is ExistsMatcher { Exists: false });

    /// <summary>Equal for conditions that accept the same values at the same path.</summary>
    public string Key { get; } = path + "\u0000" + string.Join('\u0001', matchers.Select(m => m.Key).Distinct().Order(StringComparer.Ordinal));
}
