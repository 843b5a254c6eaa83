using System.Text.Json;
using System.Text.RegularExpressions;

namespace Paywatch.Patterns;

/// <summary>Whether EventBridge applies a rule.</summary>
public enum RuleState
{
    Enabled,
    Disabled,
}

/// <summary>
/// A rule in EventBridge's PutRule shape (<c>Name</c>, <c>Description</c>, <c>EventPattern</c>, <c>State</c>), as
/// the files in <c>config/rules/</c> hold it for both Terraform and the local twin.
/// </summary>
/// <remarks>
/// <c>EventPattern</c> may be a JSON object, as CloudFormation's <c>AWS::Events::Rule</c> takes it (the files use
/// this, to stay readable), or a string holding the JSON, as the PutRule API takes it. Terraform passes it on
/// with <c>jsonencode</c>.
/// </remarks>
public sealed partial record RuleDefinition(string Name, string? Description, EventPattern EventPattern, RuleState State)
{
    // The PutRule fields a rule file may carry; anything else is a typo to report, not to ignore.
    private static readonly HashSet<string> KnownFields = ["Name", "Description", "EventPattern", "State", "EventBusName", "Tags"];

    /// <summary>Reads a rule file's JSON.</summary>
    /// <exception cref="InvalidRuleException">The rule is not valid; the message says which field and why.</exception>
    public static RuleDefinition Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidRuleException($"The rule is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidRuleException("The rule must be a JSON object in the PutRule shape.");
            }

            foreach (var field in root.EnumerateObject())
            {
                if (!KnownFields.Contains(field.Name))
                {
                    throw new InvalidRuleException($"Unknown field '{field.Name}'; a rule has {string.Join(", ", KnownFields)}.");
                }
            }

            var name = String(root, "Name") ?? throw new InvalidRuleException("Name is required.");
            if (!NamePattern().IsMatch(name))
            {
                throw new InvalidRuleException($"Name '{name}' must be 1-64 characters of letters, digits, '.', '-' and '_' (PutRule).");
            }

            var description = String(root, "Description");
            if (description is { Length: > 512 })
            {
                throw new InvalidRuleException($"Rule {name}: Description must be at most 512 characters (PutRule).");
            }

            var state = String(root, "State") switch
            {
                null or "ENABLED" => RuleState.Enabled,
                "DISABLED" => RuleState.Disabled,
                var other => throw new InvalidRuleException($"Rule {name}: State '{other}' must be ENABLED or DISABLED."),
            };

            if (!root.TryGetProperty(nameof(EventPattern), out var pattern))
            {
                throw new InvalidRuleException($"Rule {name}: EventPattern is required.");
            }

            var patternText = pattern.ValueKind == JsonValueKind.String ? pattern.GetString()! : pattern.GetRawText();
            try
            {
                return new RuleDefinition(name, description, EventPattern.Parse(patternText), state);
            }
            catch (InvalidEventPatternException e)
            {
                throw new InvalidRuleException($"Rule {name}: {e.Message}");
            }
        }
    }

    /// <summary>Reads every <c>*.json</c> file of a directory, in file-name order.</summary>
    /// <exception cref="InvalidRuleException">A file is not a valid rule; the message names the file.</exception>
    public static IReadOnlyList<RuleDefinition> LoadDirectory(string directory)
    {
        var rules = new List<RuleDefinition>();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                rules.Add(Parse(File.ReadAllText(file)));
            }
            catch (InvalidRuleException e)
            {
                throw new InvalidRuleException($"{file}: {e.Message}");
            }
        }

        return rules;
    }

    /// <summary>
    /// Reads the rule files embedded in an assembly under <paramref name="prefix"/> (a build copies
    /// <c>config/rules</c> in, so a binary routes the same way from any directory), in name order.
    /// </summary>
    public static IReadOnlyList<RuleDefinition> LoadResources(System.Reflection.Assembly assembly, string prefix = "rules/")
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return
        [
            .. assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(n =>
                {
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                    return Parse(reader.ReadToEnd());
                }),
        ];
    }

    private static string? String(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new InvalidRuleException($"{name} must be a string.");

    [GeneratedRegex("^[.\\-_A-Za-z0-9]{1,64}$")]
    private static partial Regex NamePattern();
}

/// <summary>A rule file that is not a valid PutRule rule.</summary>
public sealed class InvalidRuleException : Exception
{
    public InvalidRuleException()
    {
    }

    public InvalidRuleException(string message)
        : base(message)
    {
    }

    public InvalidRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
