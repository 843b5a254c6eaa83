using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Paywatch.Local.Bus;

/// <summary>
/// EventBridge's input transformer (a target's <c>InputPathsMap</c> and <c>InputTemplate</c>):
/// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html. Each path (dot notation
/// and array indices, as EventBridge supports) picks a value from the event; each <c>&lt;name&gt;</c> of the
/// template is replaced by its value. Inside a JSON string of the template a string value goes in without its
/// quotes and without escaping, as EventBridge inserts it: a quote, backslash or control character in the value ends
/// up raw in the output, so whatever writes the event must make the fields a template uses safe (the processor does:
/// <c>detail.template_safe</c>, docs/alerting.md). Outside a string every value goes in as JSON. The predefined
/// variables <c>aws.events.rule-arn</c>, <c>aws.events.rule-name</c>, <c>aws.events.event.ingestion-time</c>,
/// <c>aws.events.event</c> and <c>aws.events.event.json</c> are available too.
/// </summary>
/// <remarks>
/// A path the event lacks gives an empty value inside quotes and <c>null</c> outside (the infra's template relies
/// on "a field the transaction lacks is left empty"). A template that is a JSON string, as infra/eventbridge.tf
/// writes it with <c>jsonencode</c>, is delivered with its quotes, as EventBridge delivers it to SNS.
/// </remarks>
public sealed class InputTransformer
{
    private readonly IReadOnlyList<Segment> _template;
    private readonly Dictionary<string, PathStep[]> _paths;

    /// <exception cref="ArgumentException">A path is not <c>$</c>-rooted dot notation, or a name is reserved.</exception>
    public InputTransformer(IReadOnlyDictionary<string, string> inputPathsMap, string inputTemplate)
    {
        ArgumentNullException.ThrowIfNull(inputPathsMap);
        ArgumentException.ThrowIfNullOrEmpty(inputTemplate);
        InputPathsMap = inputPathsMap;
        InputTemplate = inputTemplate;
        _paths = inputPathsMap.ToDictionary(
            p => p.Key.StartsWith("aws.", StringComparison.OrdinalIgnoreCase)
                ? throw new ArgumentException($"InputPathsMap key '{p.Key}' is reserved: names starting with 'aws.' are EventBridge's.", nameof(inputPathsMap))
                : p.Key,
            p => ParsePath(p.Value),
            StringComparer.Ordinal);
        _template = ParseTemplate(inputTemplate);
    }

    public IReadOnlyDictionary<string, string> InputPathsMap { get; }

    public string InputTemplate { get; }

    /// <summary>The target input for one event (the full EventBridge event JSON) delivered by one rule.</summary>
    public string Transform(JsonElement @event, string ruleName, string ruleArn, DateTimeOffset ingestionTime)
    {
        var output = new StringBuilder(InputTemplate.Length + 64);
        foreach (var segment in _template)
        {
            if (segment.Variable is null)
            {
                output.Append(segment.Text);
                continue;
            }

            var value = segment.Variable switch
            {
                "aws.events.rule-arn" => Value.OfString(ruleArn),
                "aws.events.rule-name" => Value.OfString(ruleName),
                "aws.events.event.ingestion-time" => Value.OfString(ingestionTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                "aws.events.event.json" => Value.OfJson(@event.GetRawText()),
                "aws.events.event" => Value.OfJson(WithoutDetail(@event)),
                var name => _paths.TryGetValue(name, out var path) && Select(@event, path) is { } found
                    ? (found.ValueKind == JsonValueKind.String ? Value.OfString(found.GetString()!) : Value.OfJson(found.GetRawText()))
                    : Value.Missing,
            };
            output.Append(segment.InsideString ? value.InString() : value.AsJson());
        }

        return output.ToString();
    }

    private static JsonElement? Select(JsonElement element, PathStep[] path)
    {
        foreach (var step in path)
        {
            if (step.Property is { } property)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out element))
                {
                    return null;
                }
            }
            else if (element.ValueKind != JsonValueKind.Array || step.Index >= element.GetArrayLength())
            {
                return null;
            }
            else
            {
                element = element[step.Index];
            }
        }

        return element;
    }

    private static string WithoutDetail(JsonElement @event)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in @event.EnumerateObject().Where(p => p.Name != "detail"))
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // $.detail.amount, $.resources[0], $.detail["a-b"] is not supported (EventBridge takes dot notation only).
    private static PathStep[] ParsePath(string path)
    {
        if (path == "$")
        {
            return [];
        }

        if (!path.StartsWith("$.", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Input path '{path}' must be a JSON path in dot notation starting with '$.'.", nameof(path));
        }

        var steps = new List<PathStep>();
        foreach (var part in path[2..].Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? part : part[..bracket];
            if (name.Length == 0)
            {
                throw new ArgumentException($"Input path '{path}' has an empty segment.", nameof(path));
            }

            steps.Add(new PathStep(name, 0));
            while (bracket >= 0)
            {
                var close = part.IndexOf(']', bracket);
                if (close < 0 || !int.TryParse(part.AsSpan(bracket + 1, close - bracket - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    throw new ArgumentException($"Input path '{path}' has an invalid array index.", nameof(path));
                }

                steps.Add(new PathStep(null, index));
                bracket = close + 1 < part.Length ? (part[close + 1] == '[' ? close + 1 : throw new ArgumentException($"Input path '{path}' is not dot notation.", nameof(path))) : -1;
            }
        }

        return [.. steps];
    }

    // Splits the template into text and <variable> segments, noting for each variable whether it sits inside a JSON
    // string (the template's quotes, not counting escaped ones).
    private List<Segment> ParseTemplate(string template)
    {
        var segments = new List<Segment>();
        var text = new StringBuilder();
        var inString = false;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '\\' && inString && i + 1 < template.Length)
            {
                text.Append(c).Append(template[++i]);
                continue;
            }

            if (c == '"')
            {
                inString = !inString;
            }
            else if (c == '<')
            {
                var close = template.IndexOf('>', i + 1);
                var name = close < 0 ? null : template[(i + 1)..close];
                if (name is not null && (_paths.ContainsKey(name) || name.StartsWith("aws.events.", StringComparison.Ordinal)))
                {
                    segments.Add(new Segment(text.ToString(), null, false));
                    text.Clear();
                    segments.Add(new Segment("", name, inString));
                    i = close;
                    continue;
                }
            }

            text.Append(c);
        }

        segments.Add(new Segment(text.ToString(), null, false));
        return segments;
    }

    private readonly record struct PathStep(string? Property, int Index);

    private sealed record Segment(string Text, string? Variable, bool InsideString);

    private readonly record struct Value(string? Text, bool IsString)
    {
        public static Value Missing => new(null, false);

        public static Value OfString(string text) => new(text, true);

        public static Value OfJson(string json) => new(json, false);

        // As EventBridge inserts a string inside the template's quotes: as it is, unescaped
        // ("its contents are not escaped", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
        public string InString() => Text ?? "";

        // A whole value outside quotes is JSON: a string keeps its quotes and its escapes.
        public string AsJson() => Text is null ? "null" : IsString ? $"\"{JsonEncodedText.Encode(Text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"" : Text;
    }
}
