namespace Paywatch.Monitoring.Alarms;

/// <summary>
/// One node of a composite alarm's rule with its truth for given child states, to show why a composite is in its
/// state. A chain of the same operator (<c>a AND b AND c</c>) is one node with all its operands.
/// </summary>
/// <param name="Operator">AND, OR, NOT, STATE (ALARM(x), OK(x) or INSUFFICIENT_DATA(x)), TRUE or FALSE.</param>
/// <param name="Function">For STATE: the state the function tests.</param>
/// <param name="AlarmName">For STATE: the child alarm.</param>
/// <param name="AlarmState">For STATE: the child alarm's state.</param>
public sealed record AlarmRuleTerm(
    string Operator, bool Value, IReadOnlyList<AlarmRuleTerm> Children, AlarmState? Function = null, string? AlarmName = null, AlarmState? AlarmState = null)
{
    internal static AlarmRuleTerm Join(string op, bool value, AlarmRuleTerm left, AlarmRuleTerm right) =>
        new(op, value, [.. Operands(op, left), .. Operands(op, right)]);

    private static IEnumerable<AlarmRuleTerm> Operands(string op, AlarmRuleTerm term) => term.Operator == op ? term.Children : [term];
}
