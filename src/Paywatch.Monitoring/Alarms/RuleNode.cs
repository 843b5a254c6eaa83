namespace Paywatch.Monitoring.Alarms;

/// <summary>A node of a parsed AlarmRule: a boolean over the states of child alarms.</summary>
internal abstract class RuleNode
{
    public abstract bool Evaluate(Func<string, AlarmState> stateOf);

    /// <summary>This node and its children with their truth for <paramref name="stateOf"/>.</summary>
    public abstract AlarmRuleTerm Explain(Func<string, AlarmState> stateOf);

    /// <summary>A fully parenthesised rendering, so tests and logs show how the rule was grouped.</summary>
    public abstract override string ToString();
}

internal sealed class ConstantNode(bool value) : RuleNode
{
    public override bool Evaluate(Func<string, AlarmState> stateOf) => value;

    public override AlarmRuleTerm Explain(Func<string, AlarmState> stateOf) => new(value ? "TRUE" : "FALSE", value, []);

    public override string ToString() => value ? "TRUE" : "FALSE";
}

/// <summary>ALARM(x), OK(x) or INSUFFICIENT_DATA(x): true when the child alarm is in that state.</summary>
internal sealed class StateNode(AlarmState state, string alarmName) : RuleNode
{
    public string AlarmName { get; } = alarmName;

    public override bool Evaluate(Func<string, AlarmState> stateOf) => stateOf(AlarmName) == state;

    public override AlarmRuleTerm Explain(Func<string, AlarmState> stateOf) =>
        new("STATE", Evaluate(stateOf), [], state, AlarmName, stateOf(AlarmName));

    public override string ToString()
    {
        var function = state switch
        {
            AlarmState.Alarm => "ALARM",
            AlarmState.Ok => "OK",
            _ => "INSUFFICIENT_DATA",
        };
        return $"{function}(\"{AlarmName}\")";
    }
}

internal sealed class NotNode(RuleNode operand) : RuleNode
{
    public override bool Evaluate(Func<string, AlarmState> stateOf) => !operand.Evaluate(stateOf);

    public override AlarmRuleTerm Explain(Func<string, AlarmState> stateOf) => new("NOT", Evaluate(stateOf), [operand.Explain(stateOf)]);

    public override string ToString() => $"(NOT {operand})";
}

internal sealed class AndNode(RuleNode left, RuleNode right) : RuleNode
{
    public override bool Evaluate(Func<string, AlarmState> stateOf) => left.Evaluate(stateOf) && right.Evaluate(stateOf);

    public override AlarmRuleTerm Explain(Func<string, AlarmState> stateOf) => AlarmRuleTerm.Join("AND", Evaluate(stateOf), left.Explain(stateOf), right.Explain(stateOf));

    public override string ToString() => $"({left} AND {right})";
}

internal sealed class OrNode(RuleNode left, RuleNode right) : RuleNode
{
    public override bool Evaluate(Func<string, AlarmState> stateOf) => left.Evaluate(stateOf) || right.Evaluate(stateOf);

    public override AlarmRuleTerm Explain(Func<string, AlarmState> stateOf) => AlarmRuleTerm.Join("OR", Evaluate(stateOf), left.Explain(stateOf), right.Explain(stateOf));

    public override string ToString() => $"({left} OR {right})";
}
