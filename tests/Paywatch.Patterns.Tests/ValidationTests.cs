namespace Paywatch.Patterns.Tests;

/// <summary>
/// Invalid patterns are rejected with EventBridge's reason (its engine's wording, as the TestEventPattern and
/// PutRule APIs return it) and the dotted path of the field at fault.
/// </summary>
public sealed class ValidationTests
{
    [Theory]
    [InlineData("""["a"]""", "Filter is not an object", null)]
    [InlineData("""{}""", "Empty objects are not allowed", null)]
    [InlineData("""{"detail": {}}""", "Empty objects are not allowed", "detail")]
    [InlineData("""{"detail": {"amount": 5}}""", "\"amount\" must be an object or an array", "detail.amount")]
    [InlineData("""{"source": []}""", "Empty arrays are not allowed", "source")]
    [InlineData("""{"source": [["a"]]}""", "Match value must be String, number, true, false, or null", "source")]
    [InlineData("""{"source": [{}]}""", "Match expression name not found", "source")]
    [InlineData("""{"source": [{"regex": "a"}]}""", "Unrecognized match type regex", "source")]
    [InlineData("""{"source": [{"prefix": "a", "suffix": "b"}]}""", "Only one key allowed in match expression", "source")]
    [InlineData("""{"source": [{"prefix": 5}]}""", "prefix match pattern must be a string", "source")]
    [InlineData("""{"source": [{"prefix": {"wildcard": "a"}}]}""", "Unsupported prefix pattern: wildcard", "source")]
    [InlineData("""{"source": [{"suffix": {"equals-ignore-case": 1}}]}""", "equals-ignore-case match pattern must be a string", "source")]
    [InlineData("""{"source": [{"wildcard": "a**"}]}""", "Consecutive wildcard characters at pos 2", "source")]
    [InlineData("""{"source": [{"wildcard": "a\\b"}]}""", "Invalid escape character at pos 2", "source")]
    [InlineData("""{"a": [{"numeric": 5}]}""", "Value of numeric must be an array.", "a")]
    [InlineData("""{"a": [{"numeric": []}]}""", "Invalid member in numeric match: ]", "a")]
    [InlineData("""{"a": [{"numeric": ["==", 5]}]}""", "Unrecognized numeric range operator: ==", "a")]
    [InlineData("""{"a": [{"numeric": ["=", "5"]}]}""", "Value of equals must be numeric", "a")]
    [InlineData("""{"a": [{"numeric": ["<", 5, ">", 1]}]}""", "Too many elements in numeric expression", "a")]
    [InlineData("""{"a": [{"numeric": [">", 5, ">", 9]}]}""", "Bad numeric range operator: >", "a")]
    [InlineData("""{"a": [{"numeric": [">", 5, "<", 9, 1]}]}""", "Too many terms in numeric range expression", "a")]
    [InlineData("""{"a": [{"numeric": [">", 9, "<", 9]}]}""", "Bottom must be less than top", "a")]
    [InlineData("""{"a": [{"numeric": [">", 1e400]}]}""", "Cannot compare number : 1e400", "a")]
    [InlineData("""{"a": [{"anything-but": null}]}""", "Value of anything-but must be an array or single string/number value.", "a")]
    [InlineData("""{"a": [{"anything-but": ["x", 1]}]}""", "Inside anything but list, either all values are number or string, mixed type is not supported", "a")]
    [InlineData("""{"a": [{"anything-but": [true]}]}""", "Inside anything but list, start|null|boolean is not supported.", "a")]
    [InlineData("""{"a": [{"anything-but": {"prefix": ""}}]}""", "Null prefix/suffix not allowed", "a")]
    [InlineData("""{"a": [{"anything-but": {"numeric": [">", 1]}}]}""", "Unsupported anything-but pattern: numeric", "a")]
    [InlineData("""{"a": [{"exists": "yes"}]}""", "exists match pattern must be either true or false.", "a")]
    [InlineData("""{"ip": [{"cidr": "10.0.0.0"}]}""", "Malformed CIDR, one '/' required", "ip")]
    [InlineData("""{"ip": [{"cidr": "10.0.0.0/x"}]}""", "Malformed CIDR, mask bits must be an integer", "ip")]
    [InlineData("""{"ip": [{"cidr": "10.0.0.0/32"}]}""", "IPv4 mask bits must be < 32", "ip")]
    [InlineData("""{"ip": [{"cidr": "xx.0.0.0/8"}]}""", "Nonstandard IP address: xx.0.0.0", "ip")]
    [InlineData("""{"ip": [{"cidr": "300.0.0.0/8"}]}""", "Invalid IP address: 300.0.0.0", "ip")]
    [InlineData("""{"$or": {"a": ["x"]}}""", "It must be an Array followed with $or.", null)]
    [InlineData("""{"$or": [{"a": ["x"]}]}""", "There must have at least 2 Objects in $or relationship.", null)]
    [InlineData("""{"$or": [{"a": ["x"]}, "b"]}""", "Only JSON object is allowed in array of $or relationship.", null)]
    [InlineData("""{"$or": [{"a": ["x"]}, {"numeric": [1]}]}""", "numeric is Ruler reserved fieldName which cannot be used inside $or.", "numeric")]
    public void Invalid_patterns_are_rejected_with_EventBridges_reason_and_the_field(string pattern, string reason, string? path)
    {
        var error = Assert.Throws<InvalidEventPatternException>(() => EventPattern.Parse(pattern));

        Assert.Equal(reason, error.Reason);
        Assert.Equal(path, string.IsNullOrEmpty(error.Path) ? null : error.Path);
        Assert.StartsWith("Event pattern is not valid. Reason: " + reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_is_reported_as_such()
    {
        var error = Assert.Throws<InvalidEventPatternException>(() => EventPattern.Parse("{\"a\": [\"x\"]"));

        Assert.StartsWith("Event pattern is not valid. Reason: Pattern is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Description": "x", "EventPattern": {"a": ["x"]}}""", "Name is required.")]
    [InlineData("""{"Name": "has space", "EventPattern": {"a": ["x"]}}""", "Name 'has space' must be 1-64 characters")]
    [InlineData("""{"Name": "r", "State": "PAUSED", "EventPattern": {"a": ["x"]}}""", "Rule r: State 'PAUSED' must be ENABLED or DISABLED.")]
    [InlineData("""{"Name": "r"}""", "Rule r: EventPattern is required.")]
    [InlineData("""{"Name": "r", "Eventpattern": {"a": ["x"]}}""", "Unknown field 'Eventpattern'")]
    [InlineData("""{"Name": "r", "EventPattern": {"a": "x"}}""", "Rule r: Event pattern is not valid. Reason: \"a\" must be an object or an array")]
    public void Rule_files_in_the_PutRule_shape_are_validated(string json, string message)
    {
        var error = Assert.Throws<InvalidRuleException>(() => RuleDefinition.Parse(json));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_pattern_may_be_an_object_or_a_string_as_PutRule_takes_it()
    {
        var asObject = RuleDefinition.Parse("""{"Name": "r", "EventPattern": {"a": ["x"]}}""");
        var asString = RuleDefinition.Parse("""{"Name": "r", "EventPattern": "{\"a\": [\"x\"]}", "State": "DISABLED"}""");

        Assert.Equal(RuleState.Enabled, asObject.State);
        Assert.Equal(RuleState.Disabled, asString.State);
        Assert.Equal("""{"a": ["x"]}""", asString.EventPattern.Text);
    }

    [Fact]
    public void Disabled_rules_are_compiled_out()
    {
        var rules = RuleSet.Compile(
        [
            RuleDefinition.Parse("""{"Name": "on", "EventPattern": {"a": ["x"]}}"""),
            RuleDefinition.Parse("""{"Name": "off", "State": "DISABLED", "EventPattern": {"a": ["x"]}}"""),
        ]);

        Assert.Equal(["on"], rules.RuleNames);
    }
}
