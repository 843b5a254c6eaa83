namespace Paywatch.Patterns.Tests;

/// <summary>
/// Operator semantics, one table per operator, from "Comparison operators for use in event patterns"
/// (docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html) and the engine's rules for
/// numbers, IP addresses and wildcards.
/// </summary>
public sealed class OperatorTests
{
    [Theory]
    // Numbers compare as numbers: 10000 is 10000.0 and 1e4, never the string "10000".
    [InlineData("""[10000]""", "10000.0", true)]
    [InlineData("""[10000]""", "1e4", true)]
    [InlineData("""[10000]""", "\"10000\"", false)]
    [InlineData("""["10000"]""", "10000", false)]
    // A number a double cannot hold exactly still matches the same spelling (an account id, say).
    [InlineData("""[12345678901234567890]""", "12345678901234567890", true)]
    [InlineData("""[12345678901234567890]""", "12345678901234567891", false)]
    [InlineData("""[{"numeric": [">", 10000]}]""", "10000.000001", true)]
    [InlineData("""[{"numeric": [">", 10000]}]""", "10000", false)]
    [InlineData("""[{"numeric": [">=", 0, "<", 0.3]}]""", "0.29999999999999", true)]
    [InlineData("""[{"numeric": ["=", 3.018e2]}]""", "301.8", true)]
    [InlineData("""[{"numeric": ["<", 0]}]""", "-1e-6", true)]
    [InlineData("""[{"numeric": ["<", 0]}]""", "\"-5\"", false)]
    // null, booleans and the empty string are values of their own type.
    [InlineData("""[null]""", "null", true)]
    [InlineData("""[null]""", "\"\"", false)]
    [InlineData("""[""]""", "\"\"", true)]
    [InlineData("""[true]""", "\"true\"", false)]
    // IP strings compare as addresses; cidr ranges run from the written address to the network's top.
    [InlineData("""["::1"]""", "\"0:0:0:0:0:0:0:1\"", true)]
    [InlineData("""[{"cidr": "10.0.0.0/24"}]""", "\"10.0.0.255\"", true)]
    [InlineData("""[{"cidr": "10.0.0.0/24"}]""", "\"10.0.1.0\"", false)]
    [InlineData("""[{"cidr": "2001:db8::/32"}]""", "\"2001:0db8:ffff::1\"", true)]
    [InlineData("""[{"cidr": "10.0.0.0/8"}]""", "\"::ffff:10.0.0.1\"", false)]
    // Case-insensitive forms.
    [InlineData("""[{"equals-ignore-case": "alice"}]""", "\"ALICE\"", true)]
    [InlineData("""[{"prefix": {"equals-ignore-case": "EventB"}}]""", "\"eventbridge\"", true)]
    [InlineData("""[{"suffix": {"equals-ignore-case": ".png"}}]""", "\"IMAGE.PNG\"", true)]
    [InlineData("""[{"suffix": ".png"}]""", "\"IMAGE.PNG\"", false)]
    // Wildcards: * matches any run, even empty; \* is a literal asterisk.
    [InlineData("""[{"wildcard": "*/lib/*"}]""", "\"/usr/lib/x\"", true)]
    [InlineData("""[{"wildcard": "a*"}]""", "\"a\"", true)]
    [InlineData("""[{"wildcard": "a\\*b"}]""", "\"a*b\"", true)]
    [InlineData("""[{"wildcard": "a\\*b"}]""", "\"axb\"", false)]
    // anything-but: anything present that is not excluded, of any type; never a missing field.
    [InlineData("""[{"anything-but": "initializing"}]""", "\"running\"", true)]
    [InlineData("""[{"anything-but": "initializing"}]""", "null", true)]
    [InlineData("""[{"anything-but": [100, 200]}]""", "200.0", false)]
    [InlineData("""[{"anything-but": [100, 200]}]""", "\"200\"", true)]
    [InlineData("""[{"anything-but": {"prefix": "us-"}}]""", "\"eu-west-1\"", true)]
    [InlineData("""[{"anything-but": {"suffix": ".png"}}]""", "\"a.png\"", false)]
    [InlineData("""[{"anything-but": {"equals-ignore-case": "initializing"}}]""", "\"INITIALIZING\"", false)]
    [InlineData("""[{"anything-but": {"wildcard": "*/lib/*"}}]""", "\"/usr/bin/x\"", true)]
    [InlineData("""[{"anything-but": ["a"]}]""", "[\"a\", \"b\"]", true)]
    [InlineData("""[{"anything-but": ["a"]}]""", "[\"a\"]", false)]
    // exists: leaves only; null is a leaf, an empty array or an object is not.
    [InlineData("""[{"exists": true}]""", "null", true)]
    [InlineData("""[{"exists": true}]""", "[]", false)]
    [InlineData("""[{"exists": true}]""", "{\"c1\": 100}", false)]
    [InlineData("""[{"exists": false}]""", "{\"c1\": 100}", true)]
    [InlineData("""[{"exists": false}]""", "[]", true)]
    public void A_field_value_matches_as_EventBridge_matches_it(string matchers, string value, bool expected)
    {
        var pattern = EventPattern.Parse("{\"f\": " + matchers + "}");
        var eventJson = "{\"f\": " + value + "}";

        Assert.Equal(expected, MatchCompiled(pattern, eventJson));
        Assert.Equal(expected, ReferenceMatcher.Matches(pattern, eventJson));
    }

    [Theory]
    [InlineData("""{"state": [{"anything-but": "x"}]}""", """{"other": 1}""", false)]
    [InlineData("""{"state": [{"exists": false}]}""", """{"other": 1}""", true)]
    [InlineData("""{"state": [{"exists": false}, "x"]}""", """{"state": "x"}""", true)]
    [InlineData("""{"state": [{"exists": false}, "x"]}""", """{"state": "y"}""", false)]
    // Nested keys and dotted keys are the same path (AWS-recorded).
    [InlineData("""{"detail": {"state.status": ["running"]}}""", """{"detail": {"state": {"status": "running"}}}""", true)]
    [InlineData("""{"detail": {"state": {"status": ["running"]}}}""", """{"detail": {"state.status": "running"}}""", true)]
    // $or, nested: source AND (metricName OR (namespace AND (metricId OR spaceId))).
    [InlineData("""{"source": ["cw"], "$or": [{"metricName": ["CPU"]}, {"namespace": ["AWS/EC2"], "$or": [{"metricId": [1]}, {"spaceId": [2]}]}]}""", """{"source": "cw", "namespace": "AWS/EC2", "spaceId": 2}""", true)]
    [InlineData("""{"source": ["cw"], "$or": [{"metricName": ["CPU"]}, {"namespace": ["AWS/EC2"], "$or": [{"metricId": [1]}, {"spaceId": [2]}]}]}""", """{"source": "cw", "namespace": "AWS/EC2", "spaceId": 3}""", false)]
    public void Fields_combine_as_EventBridge_combines_them(string pattern, string eventJson, bool expected)
    {
        var parsed = EventPattern.Parse(pattern);

        Assert.Equal(expected, MatchCompiled(parsed, eventJson));
        Assert.Equal(expected, ReferenceMatcher.Matches(parsed, eventJson));
    }

    // "Arrays in Amazon EventBridge event patterns": fields inside objects of one array must match in one element.
    [Theory]
    [InlineData("""{"employees": {"firstName": ["Anna"]}}""", true)]
    [InlineData("""{"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}}""", true)]
    [InlineData("""{"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}}""", false)]
    [InlineData("""{"employees": {"firstName": ["John"], "ids": [1000]}}""", true)]
    [InlineData("""{"employees": {"firstName": ["Anna"], "ids": [1000]}}""", false)]
    [InlineData("""{"employees": {"firstName": ["Anna"], "ids": [{"exists": false}]}}""", true)]
    [InlineData("""{"employees": {"firstName": ["John"], "ids": [{"exists": false}]}}""", false)]
    public void Array_consistency_applies_to_arrays_of_objects(string pattern, bool expected)
    {
        const string Event = """
            {"employees": [
              {"firstName": "John", "lastName": "Doe", "ids": [1000, 2000]},
              {"firstName": "Anna", "lastName": "Smith"},
              {"firstName": "Peter", "lastName": "Jones", "ids": [3000]}
            ]}
            """;
        var parsed = EventPattern.Parse(pattern);

        Assert.Equal(expected, MatchCompiled(parsed, Event));
        Assert.Equal(expected, ReferenceMatcher.Matches(parsed, Event));
    }

    [Fact]
    public void Rules_are_returned_in_rule_order_once_each_however_many_branches_match()
    {
        var rules = RuleSet.Compile(
        [
            KeyValuePair.Create("z-last", EventPattern.Parse("""{"a": ["x"]}""")),
            KeyValuePair.Create("a-first", EventPattern.Parse("""{"$or": [{"a": ["x"]}, {"b": [1]}]}""")),
            KeyValuePair.Create("none", EventPattern.Parse("""{"a": ["y"]}""")),
        ]);
        var matched = new List<string>();

        rules.CreateMatcher().Match("""{"a": "x", "b": 1}"""u8, matched);

        Assert.Equal(["z-last", "a-first"], matched);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("\"text\"")]
    [InlineData("{\"a\": ")]
    [InlineData("{} {}")]
    public void An_event_that_is_not_one_JSON_object_is_refused(string eventJson)
    {
        var matcher = RuleSet.Compile([KeyValuePair.Create("r", EventPattern.Parse("""{"a": ["x"]}"""))]).CreateMatcher();

        Assert.Throws<InvalidEventException>(() => matcher.Match(Encoding.UTF8.GetBytes(eventJson), new List<string>()));
    }

    [Fact]
    public void Matching_an_entry_sees_source_detail_type_and_detail_as_the_bus_will()
    {
        var rules = RuleSet.Compile([KeyValuePair.Create("r", EventPattern.Parse("""{"source": ["s"], "detail-type": ["t"], "detail": {"n": [{"numeric": [">", 1]}]}}"""))]);
        var matcher = rules.CreateMatcher();
        var matched = new List<string>();

        Assert.Equal(1, matcher.MatchEntry("s", "t", """{"n": 2}"""u8, matched));
        Assert.Equal(0, matcher.MatchEntry("s", "other", """{"n": 2}"""u8, matched));
        Assert.Equal(1, matcher.Match("""{"source": "s", "detail-type": "t", "detail": {"n": 2}}"""u8, matched));
    }

    private static bool MatchCompiled(EventPattern pattern, string eventJson) =>
        RuleSet.Compile([KeyValuePair.Create("r", pattern)]).CreateMatcher().Match(Encoding.UTF8.GetBytes(eventJson), new List<string>()) == 1;
}
