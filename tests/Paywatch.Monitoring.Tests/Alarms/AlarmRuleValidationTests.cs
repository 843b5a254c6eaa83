using Paywatch.Monitoring.Alarms;

namespace Paywatch.Monitoring.Tests.Alarms;

/// <summary>Rules PutCompositeAlarm would reject, with the 1-based position of the fault.</summary>
public sealed class AlarmRuleValidationTests
{
    [Theory]
    [InlineData("ALARM(a", "expected ')' (put alarm names that contain spaces or parentheses in double quotes)", 8)]
    [InlineData("(ALARM(a) OR ALARM(b)", "expected ')'", 22)]
    [InlineData("ALARM(a))", "unexpected ')' without a matching '('", 9)]
    [InlineData("ALARM(my alarm)", "expected ')' (put alarm names that contain spaces or parentheses in double quotes)", 10)]
    [InlineData("ALARM a", "expected '(' after ALARM", 7)]
    [InlineData("ALARM()", "expected an alarm name or ARN", 7)]
    [InlineData("ALARM(\"\")", "expected an alarm name or ARN", 7)]
    [InlineData("ALARM(\"a)", "unterminated quoted alarm name; expected a closing '\"'", 7)]
    [InlineData("WARN(a)", "unknown function 'WARN'; expected ALARM, OK, INSUFFICIENT_DATA, TRUE or FALSE", 1)]
    [InlineData("ALARM(a) AND", "expected an operand after AND but the rule ended", 10)]
    [InlineData("ALARM(a) OR ", "expected an operand after OR but the rule ended", 10)]
    [InlineData("AND ALARM(a)", "expected an operand before 'AND'", 1)]
    [InlineData("ALARM(a) AND OR ALARM(b)", "expected an operand before 'OR'", 14)]
    [InlineData("NOT", "expected TRUE, FALSE, NOT, '(' or a function such as ALARM() but the rule ended", 4)]
    [InlineData("ALARM(a) ALARM(b)", "expected AND, OR or the end of the rule", 10)]
    [InlineData("ALARM(a) XOR ALARM(b)", "expected AND, OR or the end of the rule", 10)]
    [InlineData("()", "expected TRUE, FALSE, NOT, '(' or a function such as ALARM() but found ')'", 2)]
    [InlineData("ALARM(arn:aws:sns:us-east-1:123456789012:topic)", "'arn:aws:sns:us-east-1:123456789012:topic' is not a CloudWatch alarm ARN (arn:aws:cloudwatch:region:account:alarm:name)", 7)]
    public void Invalid_rules_name_the_problem_and_its_position(string rule, string reason, int position)
    {
        var error = Assert.Throws<InvalidAlarmRuleException>(() => AlarmRule.Parse(rule));

        Assert.Equal(reason, error.Reason);
        Assert.Equal(position, error.Position);
        Assert.Equal($"AlarmRule is not valid: {reason} at position {position}", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t")]
    public void An_empty_rule_is_rejected(string rule)
    {
        var error = Assert.Throws<InvalidAlarmRuleException>(() => AlarmRule.Parse(rule));

        Assert.StartsWith("AlarmRule is not valid: the rule is empty", error.Message, StringComparison.Ordinal);
        Assert.Null(error.Position);
    }

    [Fact]
    public void A_rule_of_10240_characters_is_accepted_and_one_longer_is_not()
    {
        // "ALARM(" + name + ")" with a name of 10233 characters is exactly 10240 long.
        var longest = "ALARM(" + new string('a', 10233) + ")";
        Assert.Equal(10240, longest.Length);
        Assert.Equal([new string('a', 10233)], AlarmRule.Parse(longest).AlarmNames);

        var error = Assert.Throws<InvalidAlarmRuleException>(() => AlarmRule.Parse(longest.Insert(6, "a")));
        Assert.Equal("AlarmRule is not valid: the rule is 10241 characters long; the maximum is 10240", error.Message);
    }

    [Fact]
    public void At_most_100_child_alarms()
    {
        var hundred = string.Join(" OR ", Enumerable.Range(1, 100).Select(i => $"ALARM(a{i})"));
        Assert.Equal(100, AlarmRule.Parse(hundred).AlarmNames.Count);

        var error = Assert.Throws<InvalidAlarmRuleException>(() => AlarmRule.Parse(hundred + " OR ALARM(a101)"));
        Assert.Equal("the rule references more than 100 child alarms", error.Reason);
    }

    [Fact]
    public void At_most_500_elements_counting_a_pair_of_parentheses_as_one()
    {
        // 250 pairs of parentheses around 250 TRUEs joined by AND: 500 elements.
        var five = string.Join(" AND ", Enumerable.Repeat("(TRUE)", 250));
        Assert.True(AlarmRule.Parse(five).Evaluate(_ => null));

        var error = Assert.Throws<InvalidAlarmRuleException>(() => AlarmRule.Parse(five + " AND FALSE"));
        Assert.Equal("the rule has more than 500 elements (child alarms, TRUE, FALSE and pairs of parentheses)", error.Reason);
    }

    [Fact]
    public void A_long_chain_of_NOT_does_not_overflow_the_stack()
    {
        var rule = string.Concat(Enumerable.Repeat("NOT ", 2000)) + "TRUE";

        Assert.True(AlarmRule.Parse(rule).Evaluate(_ => null));
    }
}
