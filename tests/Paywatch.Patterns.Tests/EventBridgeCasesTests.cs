using System.Text.Json;

namespace Paywatch.Patterns.Tests;

/// <summary>
/// Cases/eventbridge-cases.jsonl: patterns, events and the result EventBridge gives, each line naming its
/// source: AWS's documentation examples, tests recorded against the real TestEventPattern API (LocalStack's
/// snapshot suite), and aws/event-ruler's own tests (EventBridge's engine). Both the compiled rule set and the
/// reference matcher must agree with every line.
/// </summary>
public sealed class EventBridgeCasesTests
{
    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Cases", "eventbridge-cases.jsonl"));
        for (var i = 0; i < lines.Length; i++)
        {
            data.Add(i + 1, lines[i]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compiled_rule_set_and_reference_agree_with_EventBridge(int line, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var source = root.GetProperty("source").GetString();
        var pattern = root.GetProperty("pattern").GetRawText();
        var expected = root.GetProperty("expected");

        var parsed = EventPattern.TryParse(pattern, out var error);
        if (expected.ValueKind == JsonValueKind.String)
        {
            Assert.True(parsed is null, $"line {line} ({source}): pattern should be rejected");
            return;
        }

        Assert.True(parsed is not null, $"line {line} ({source}): {error}");
        var eventJson = root.GetProperty("event").GetRawText();
        var matched = new List<string>();
        RuleSet.Compile([KeyValuePair.Create("rule", parsed!)]).CreateMatcher().Match(Encoding.UTF8.GetBytes(eventJson), matched);
        Assert.True(expected.GetBoolean() == (matched.Count == 1), $"line {line} ({source}): compiled rule set said {matched.Count == 1}");
        Assert.True(expected.GetBoolean() == ReferenceMatcher.Matches(parsed!, eventJson), $"line {line} ({source}): reference said otherwise");
    }
}
