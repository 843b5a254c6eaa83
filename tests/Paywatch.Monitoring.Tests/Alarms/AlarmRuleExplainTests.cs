using Paywatch.Monitoring.Alarms;

namespace Paywatch.Monitoring.Tests.Alarms;

/// <summary>
/// A composite alarm's rule as a tree with each node's truth (what the web UI shows for "why is this composite in
/// ALARM"). Truth values are worked out by hand from the PutCompositeAlarm reference's function definitions
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html: ALARM(x) is TRUE
/// if x is in ALARM state, ...; NOT, AND, OR, parentheses), with its example rules as inputs.
/// </summary>
public sealed class AlarmRuleExplainTests
{
    [Fact]
    public void The_references_example_with_parentheses_is_an_AND_of_an_OR_and_a_state_each_with_its_truth()
    {
        var rule = AlarmRule.Parse("(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)");
        var states = States(("CPUUtilizationTooHigh", AlarmState.Ok), ("DiskReadOpsTooHigh", AlarmState.Alarm), ("NetworkOutTooHigh", AlarmState.Ok));

        var tree = rule.Explain(states);

        Assert.Equal("AND", tree.Operator);
        Assert.True(tree.Value);
        Assert.Equal(2, tree.Children.Count);
        var or = tree.Children[0];
        Assert.Equal("OR", or.Operator);
        Assert.True(or.Value);
        Assert.Equal(
            [
                new AlarmRuleTerm("STATE", false, [], AlarmState.Alarm, "CPUUtilizationTooHigh", AlarmState.Ok),
                new AlarmRuleTerm("STATE", true, [], AlarmState.Alarm, "DiskReadOpsTooHigh", AlarmState.Alarm),
            ],
            or.Children.Select(Flat));
        Assert.Equal(new AlarmRuleTerm("STATE", true, [], AlarmState.Ok, "NetworkOutTooHigh", AlarmState.Ok), Flat(tree.Children[1]));
        Assert.Equal(rule.Evaluate(states), tree.Value);
    }

    [Fact]
    public void A_chain_of_one_operator_is_one_node_with_all_its_operands_and_NOT_has_its_operand_below_it()
    {
        var rule = AlarmRule.Parse("ALARM(a) AND ALARM(b) AND NOT ALARM(c)");

        var tree = rule.Explain(States(("a", AlarmState.Alarm), ("b", AlarmState.Alarm), ("c", AlarmState.Alarm)));

        Assert.Equal("AND", tree.Operator);
        Assert.False(tree.Value);
        Assert.Equal(["STATE", "STATE", "NOT"], tree.Children.Select(c => c.Operator));
        Assert.Equal([true, true, false], tree.Children.Select(c => c.Value));
        var not = tree.Children[2];
        Assert.Equal(new AlarmRuleTerm("STATE", true, [], AlarmState.Alarm, "c", AlarmState.Alarm), Flat(Assert.Single(not.Children)));
    }

    [Fact]
    public void AND_binds_tighter_than_OR_in_the_tree_too()
    {
        // TRUE OR (b AND c): one OR of a constant and an AND; were it grouped left to right it would be an AND on top.
        var tree = AlarmRule.Parse("TRUE OR OK(b) AND OK(c)").Explain(States(("b", AlarmState.Ok), ("c", AlarmState.Alarm)));

        Assert.Equal("OR", tree.Operator);
        Assert.True(tree.Value);
        Assert.Equal(new AlarmRuleTerm("TRUE", true, []), tree.Children[0]);
        Assert.Equal("AND", tree.Children[1].Operator);
        Assert.False(tree.Children[1].Value);
        Assert.Equal(["b", "c"], tree.Children[1].Children.Select(c => c.AlarmName));
    }

    [Fact]
    public void A_child_nobody_knows_is_shown_as_INSUFFICIENT_DATA()
    {
        var tree = AlarmRule.Parse("ALARM(gone) OR INSUFFICIENT_DATA(gone)").Explain(_ => null);

        Assert.True(tree.Value);
        Assert.Equal([AlarmState.InsufficientData, AlarmState.InsufficientData], tree.Children.Select(c => c.AlarmState));
        Assert.Equal([false, true], tree.Children.Select(c => c.Value));
        Assert.Equal([AlarmState.Alarm, AlarmState.InsufficientData], tree.Children.Select(c => c.Function));
    }

    [Theory]
    [InlineData("FALSE", "FALSE", false)]
    [InlineData("NOT FALSE", "NOT", true)]
    public void Constants_are_leaves(string text, string op, bool value)
    {
        var tree = AlarmRule.Parse(text).Explain(_ => null);

        Assert.Equal(op, tree.Operator);
        Assert.Equal(value, tree.Value);
    }

    [Fact]
    public void The_shipped_composites_rules_explain_to_their_evaluation()
    {
        var rule = AlarmRule.Parse("ALARM(\"paywatch-error-rate-local\") OR ALARM(\"paywatch-latency-local\")");
        foreach (var error in new[] { AlarmState.Ok, AlarmState.Alarm, AlarmState.InsufficientData })
        {
            foreach (var latency in new[] { AlarmState.Ok, AlarmState.Alarm, AlarmState.InsufficientData })
            {
                var states = States(("paywatch-error-rate-local", error), ("paywatch-latency-local", latency));
                var tree = rule.Explain(states);
                Assert.Equal(error == AlarmState.Alarm || latency == AlarmState.Alarm, tree.Value);
                Assert.Equal([error, latency], tree.Children.Select(c => c.AlarmState));
            }
        }
    }

    // Records with a list compare the list by reference: compare a leaf without its (empty) children.
    private static AlarmRuleTerm Flat(AlarmRuleTerm term)
    {
        Assert.Empty(term.Children);
        return term with { Children = [] };
    }

    private static Func<string, AlarmState?> States(params (string Name, AlarmState State)[] states) =>
        name => states.Where(s => s.Name == name).Select(s => (AlarmState?)s.State).FirstOrDefault();
}
