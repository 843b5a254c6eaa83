namespace Paywatch.Monitoring.Alarms;

/// <summary>
/// A parsed composite-alarm rule (the AlarmRule of PutCompositeAlarm): TRUE, FALSE, ALARM(x), OK(x),
/// INSUFFICIENT_DATA(x), combined with NOT, AND, OR and parentheses.
/// </summary>
public sealed class AlarmRule
{
    private readonly RuleNode _root;

    private AlarmRule(string text, RuleNode root, IReadOnlyList<string> alarmNames)
    {
        Text = text;
        _root = root;
        AlarmNames = alarmNames;
    }

    /// <summary>The rule as written.</summary>
    public string Text { get; }

    /// <summary>
    /// The distinct child alarm names the rule references (ARNs reduced to names), in order of first use. A
    /// composite is re-evaluated when one of them changes state; PutCompositeAlarm rejects a rule whose children
    /// do not exist.
    /// </summary>
    public IReadOnlyList<string> AlarmNames { get; }

    /// <summary>Parses a rule, throwing <see cref="InvalidAlarmRuleException"/> for what PutCompositeAlarm rejects.</summary>
    public static AlarmRule Parse(string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var (root, names) = AlarmRuleParser.Parse(rule);
        return new AlarmRule(rule, root, names);
    }

    /// <summary>
    /// True when the rule holds for the child states <paramref name="stateOf"/> reports.
    /// </summary>
    /// <remarks>
    /// A child that <paramref name="stateOf"/> does not know (null) counts as INSUFFICIENT_DATA. CloudWatch
    /// refuses to create a composite whose children do not exist, so this only happens when a child is deleted
    /// afterwards or has not been evaluated yet; INSUFFICIENT_DATA is the state CloudWatch gives an alarm it has
    /// no data for, and it keeps ALARM(x) and OK(x) false for an unknown x.
    /// </remarks>
    public bool Evaluate(Func<string, AlarmState?> stateOf)
    {
        ArgumentNullException.ThrowIfNull(stateOf);
        return _root.Evaluate(name => stateOf(name) ?? AlarmState.InsufficientData);
    }

    /// <summary>The composite alarm's state: ALARM when the rule holds, otherwise OK.</summary>
    public AlarmState EvaluateState(Func<string, AlarmState?> stateOf) => Evaluate(stateOf) ? AlarmState.Alarm : AlarmState.Ok;

    /// <summary>The rule as a tree with each node's truth now (a child <paramref name="stateOf"/> does not know counts as INSUFFICIENT_DATA).</summary>
    public AlarmRuleTerm Explain(Func<string, AlarmState?> stateOf)
    {
        ArgumentNullException.ThrowIfNull(stateOf);
        return _root.Explain(name => stateOf(name) ?? AlarmState.InsufficientData);
    }

    /// <summary>The rule fully parenthesised, showing how operators were grouped.</summary>
    public override string ToString() => _root.ToString();
}
