using Paywatch.Monitoring.Alarms;

namespace Paywatch.Monitoring.Tests.Alarms;

/// <summary>
/// Valid rules and how they evaluate. Child states are written "name=STATE,..."; the expected results are worked
/// out by hand from the function definitions in the PutCompositeAlarm reference (ALARM(x) is TRUE if x is in
/// ALARM state, and so on).
/// </summary>
public sealed class AlarmRuleGrammarTests
{
    [Theory]
    // The three example rules in the PutCompositeAlarm reference and the composite-alarm user guide.
    [InlineData("ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)", "CPUUtilizationTooHigh=ALARM,DiskReadOpsTooHigh=ALARM", true)]
    [InlineData("ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)", "CPUUtilizationTooHigh=ALARM,DiskReadOpsTooHigh=OK", false)]
    [InlineData("ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)", "CPUUtilizationTooHigh=ALARM,DeploymentInProgress=OK", true)]
    [InlineData("ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)", "CPUUtilizationTooHigh=ALARM,DeploymentInProgress=ALARM", false)]
    [InlineData("(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)", "CPUUtilizationTooHigh=OK,DiskReadOpsTooHigh=ALARM,NetworkOutTooHigh=OK", true)]
    [InlineData("(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)", "CPUUtilizationTooHigh=ALARM,DiskReadOpsTooHigh=ALARM,NetworkOutTooHigh=ALARM", false)]
    [InlineData("(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)", "CPUUtilizationTooHigh=OK,DiskReadOpsTooHigh=OK,NetworkOutTooHigh=OK", false)]
    // The user guide's quoted, multi-line form.
    [InlineData("(ALARM(\"CPUUtilizationTooHigh\") OR \nALARM(\"DiskReadOpsTooHigh\")) AND \nOK(\"NetworkOutTooHigh\")", "CPUUtilizationTooHigh=ALARM,DiskReadOpsTooHigh=OK,NetworkOutTooHigh=OK", true)]
    [InlineData("TRUE", "", true)]
    [InlineData("FALSE", "", false)]
    [InlineData("False", "", false)]
    [InlineData("NOT TRUE", "", false)]
    [InlineData("NOT NOT TRUE", "", true)]
    [InlineData("OK(a)", "a=OK", true)]
    [InlineData("OK(a)", "a=INSUFFICIENT_DATA", false)]
    [InlineData("INSUFFICIENT_DATA(a)", "a=INSUFFICIENT_DATA", true)]
    [InlineData("INSUFFICIENT_DATA(a)", "a=ALARM", false)]
    [InlineData("ALARM( a )", "a=ALARM", true)]
    [InlineData("ALARM (a)", "a=ALARM", true)]
    [InlineData("alarm(a) and not ok(b)", "a=ALARM,b=ALARM", true)]
    [InlineData("((((ALARM(a)))))", "a=ALARM", true)]
    [InlineData("ALARM(a)AND(ALARM(b))", "a=ALARM,b=ALARM", true)]
    // A child CloudWatch does not know counts as INSUFFICIENT_DATA.
    [InlineData("INSUFFICIENT_DATA(gone)", "", true)]
    [InlineData("ALARM(gone) OR OK(gone)", "", false)]
    public void Rules_evaluate_as_the_functions_and_operators_define(string rule, string states, bool expected)
    {
        var parsed = AlarmRule.Parse(rule);

        Assert.Equal(expected, parsed.Evaluate(StatesFrom(states)));
        Assert.Equal(expected ? AlarmState.Alarm : AlarmState.Ok, parsed.EvaluateState(StatesFrom(states)));
    }

    [Theory]
    // AND binds tighter than OR: TRUE OR (TRUE AND FALSE) is TRUE; left to right it would be FALSE.
    [InlineData("TRUE OR TRUE AND FALSE", true, "(TRUE OR (TRUE AND FALSE))")]
    [InlineData("FALSE AND FALSE OR TRUE", true, "((FALSE AND FALSE) OR TRUE)")]
    // NOT binds tighter than AND: (NOT FALSE) AND FALSE is FALSE; NOT (FALSE AND FALSE) would be TRUE.
    [InlineData("NOT FALSE AND FALSE", false, "((NOT FALSE) AND FALSE)")]
    [InlineData("NOT (FALSE AND FALSE)", true, "(NOT (FALSE AND FALSE))")]
    [InlineData("(TRUE OR TRUE) AND FALSE", false, "((TRUE OR TRUE) AND FALSE)")]
    [InlineData("TRUE AND TRUE AND FALSE", false, "((TRUE AND TRUE) AND FALSE)")]
    public void Not_binds_tighter_than_and_which_binds_tighter_than_or(string rule, bool expected, string grouping)
    {
        var parsed = AlarmRule.Parse(rule);

        Assert.Equal(expected, parsed.Evaluate(_ => null));
        Assert.Equal(grouping, parsed.ToString());
    }

    [Theory]
    [InlineData("ALARM(\"my alarm (prod)\")", "my alarm (prod)")]
    [InlineData("ALARM(\"db:latency/p99\")", "db:latency/p99")]
    [InlineData("ALARM(payments-5xx.rate)", "payments-5xx.rate")]
    [InlineData("ALARM(arn:aws:cloudwatch:eu-west-1:123456789012:alarm:PaymentsDown)", "PaymentsDown")]
    [InlineData("OK(\"arn:aws:cloudwatch:us-east-1:123456789012:alarm:name with spaces\")", "name with spaces")]
    [InlineData("ALARM(arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:a:b)", "a:b")]
    public void Quoted_names_and_arns_reference_the_alarm_by_name(string rule, string name)
    {
        var parsed = AlarmRule.Parse(rule);

        Assert.Equal([name], parsed.AlarmNames);
        Assert.True(parsed.Evaluate(n => n == name ? (rule.StartsWith("OK", StringComparison.Ordinal) ? AlarmState.Ok : AlarmState.Alarm) : null));
    }

    [Fact]
    public void Alarm_names_are_listed_once_in_order_of_first_use()
    {
        var rule = AlarmRule.Parse("ALARM(b) OR (OK(a) AND NOT ALARM(\"b\")) OR INSUFFICIENT_DATA(arn:aws:cloudwatch:r:1:alarm:c) OR TRUE");

        Assert.Equal(["b", "a", "c"], rule.AlarmNames);
    }

    [Fact]
    public void Names_are_case_sensitive()
    {
        var rule = AlarmRule.Parse("ALARM(Api)");

        Assert.False(rule.Evaluate(n => n == "api" ? AlarmState.Alarm : AlarmState.Ok));
    }

    private static Func<string, AlarmState?> StatesFrom(string states)
    {
        var map = new Dictionary<string, AlarmState>(StringComparer.Ordinal);
        foreach (var pair in states.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=');
            map[parts[0]] = parts[1] switch
            {
                "ALARM" => AlarmState.Alarm,
                "OK" => AlarmState.Ok,
                "INSUFFICIENT_DATA" => AlarmState.InsufficientData,
                _ => throw new ArgumentException(pair),
            };
        }

        return name => map.TryGetValue(name, out var state) ? state : null;
    }
}
