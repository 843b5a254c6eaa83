using CsCheck;

namespace Paywatch.Patterns.Tests;

/// <summary>
/// The compiled rule set against <see cref="ReferenceMatcher"/> on generated patterns and events. The vocabulary
/// is small on purpose, so that values collide with patterns often: prefixes that are also exact values, numbers
/// spelled differently, IP strings, nested objects and arrays of objects.
/// </summary>
public sealed class DifferentialTests
{
    private static readonly string[] Strings = ["\"x\"", "\"xy\"", "\"Xy\"", "\"yx\"", "\"\"", "\"10.0.0.1\"", "\"10.0.0.9\"", "\"a*b\""];
    private static readonly string[] Numbers = ["0", "1", "1.5", "10", "10.0", "1e1", "-3", "12345678901234567890"];
    private static readonly string[] Literals = ["true", "false", "null"];
    private static readonly string[] Paths = ["a", "b", "c.d", "c.e"];

    private static readonly Gen<string> Scalar = Gen.OneOf(Gen.OneOf(Strings), Gen.OneOf(Numbers), Gen.OneOf(Literals));

    private static readonly Gen<string> Matcher = Gen.OneOf(
        Scalar,
        Gen.OneOf(
            """{"prefix":"x"}""", """{"prefix":""}""", """{"suffix":"y"}""", """{"equals-ignore-case":"XY"}""",
            """{"prefix":{"equals-ignore-case":"X"}}""", """{"suffix":{"equals-ignore-case":"Y"}}""",
            """{"wildcard":"x*"}""", """{"wildcard":"*y"}""", """{"wildcard":"*"}""", """{"wildcard":"a\\*b"}""",
            """{"anything-but":"x"}""", """{"anything-but":["x","xy"]}""", """{"anything-but":10}""",
            """{"anything-but":{"prefix":"x"}}""", """{"anything-but":{"suffix":"y"}}""",
            """{"anything-but":{"equals-ignore-case":"XY"}}""", """{"anything-but":{"wildcard":"x*"}}""",
            """{"numeric":[">",1]}""", """{"numeric":[">=",1,"<",10]}""", """{"numeric":["=",10]}""", """{"numeric":["<=",0]}""",
            """{"exists":true}""", """{"exists":false}""", """{"cidr":"10.0.0.0/24"}""", """{"exactly":"x"}"""));

    private static readonly Gen<string> Condition =
        Gen.Select(Gen.OneOf(Paths), Matcher.List[1, 3]).Select((path, matchers) => Nest(path, "[" + string.Join(",", matchers) + "]"));

    private static readonly Gen<string> Pattern = Gen.OneOf(
        Condition.List[1, 3].Select(Merge),
        Gen.Select(Condition.List[0, 2], Condition.List[1, 2].Select(Merge), Condition.List[1, 2].Select(Merge))
            .Select((common, left, right) => Merge([.. common, "{\"$or\":[" + left + "," + right + "]}"])));

    private static readonly Gen<string> EventValue = Gen.OneOf(
        Scalar,
        Scalar.List[0, 3].Select(items => "[" + string.Join(",", items) + "]"));

    private static readonly Gen<string> Inner = Gen.Select(EventValue, EventValue, Gen.Bool, Gen.Bool)
        .Select((d, e, hasD, hasE) => "{" + string.Join(",", new[] { hasD ? "\"d\":" + d : null, hasE ? "\"e\":" + e : null }.OfType<string>()) + "}");

    private static readonly Gen<string> Event = Gen.Select(EventValue, EventValue, Gen.OneOf(Inner, Inner.List[0, 3].Select(i => "[" + string.Join(",", i) + "]")), Gen.Int[0, 7])
        .Select((a, b, c, presence) => "{" + string.Join(",", new[]
        {
            (presence & 1) != 0 ? "\"a\":" + a : null,
            (presence & 2) != 0 ? "\"b\":" + b : null,
            (presence & 4) != 0 ? "\"c\":" + c : null,
        }.OfType<string>()) + "}");

    [Fact]
    public void Compiled_rule_set_agrees_with_the_reference_matcher_on_generated_rules_and_events()
    {
        Gen.Select(Pattern.List[1, 6], Event.List[1, 5]).Sample((patterns, events) =>
        {
            var parsed = patterns.Select(p => EventPattern.TryParse(p, out _)).OfType<EventPattern>().ToList();
            var rules = RuleSet.Compile(parsed.Select((p, i) => KeyValuePair.Create("r" + i, p)));
            var matcher = rules.CreateMatcher();
            foreach (var e in events)
            {
                var matched = new List<string>();
                matcher.Match(Encoding.UTF8.GetBytes(e), matched);
                var expected = parsed.Select((p, i) => (p, i)).Where(x => ReferenceMatcher.Matches(x.p, e)).Select(x => "r" + x.i).ToList();
                Assert.True(expected.SequenceEqual(matched), $"event {e}\nrules {string.Join("\n", parsed.Select(p => p.Text))}\nexpected [{string.Join(",", expected)}] got [{string.Join(",", matched)}]");
            }
        }, iter: 3000);
    }

    private static string Nest(string path, string value)
    {
        var parts = path.Split('.');
        var json = value;
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            json = "{\"" + parts[i] + "\":" + json + "}";
        }

        return json;
    }

    // Merges single-key objects into one object text, keeping later keys (duplicates collapse as EventBridge does).
    private static string Merge(IList<string> objects)
    {
        var node = new System.Text.Json.Nodes.JsonObject();
        foreach (var text in objects)
        {
            MergeInto(node, System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject());
        }

        return node.ToJsonString();
    }

    private static void MergeInto(System.Text.Json.Nodes.JsonObject target, System.Text.Json.Nodes.JsonObject source)
    {
        foreach (var (key, value) in source.ToList())
        {
            source.Remove(key);
            if (value is System.Text.Json.Nodes.JsonObject child && target[key] is System.Text.Json.Nodes.JsonObject existing)
            {
                MergeInto(existing, child);
            }
            else
            {
                target[key] = value;
            }
        }
    }
}
