using Paywatch.Monitoring.Metrics;

namespace Paywatch.Monitoring.Alarms;

/// <summary>
/// A region's alarms, as CloudWatch runs them: metric alarms evaluated each period from the metric store, and
/// composite alarms re-evaluated whenever one of their children changes state. Transitions carry the actions to
/// run. A composite's actions are held while its actions suppressor's wait or extension period runs, then run
/// if the composite is still in that state (the transition is reported again, with its actions).
/// </summary>
public sealed class AlarmSet
{
    private readonly Dictionary<string, MetricAlarm> _metricAlarms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CompositeState> _composites = new(StringComparer.Ordinal);
    // Only alarms used as actions suppressors need their changes kept, and only recent ones (see Record).
    private readonly Dictionary<string, List<AlarmStateChange>> _suppressorChanges = new(StringComparer.Ordinal);

    // Composite transitions whose actions are held by a suppressor's wait or extension period.
    private readonly List<(CompositeState Composite, AlarmTransition Transition)> _held = [];

    /// <exception cref="InvalidAlarmDefinitionException">Names repeat, or a composite names an alarm that does not exist.</exception>
    public AlarmSet(IEnumerable<MetricAlarmDefinition> metricAlarms, IEnumerable<CompositeAlarmDefinition> compositeAlarms)
    {
        foreach (var definition in metricAlarms)
        {
            if (!_metricAlarms.TryAdd(definition.AlarmName, new MetricAlarm(definition)))
            {
                throw new InvalidAlarmDefinitionException($"Alarm {definition.AlarmName} is defined twice.");
            }
        }

        var composites = compositeAlarms.ToList();
        foreach (var definition in composites)
        {
            if (_metricAlarms.ContainsKey(definition.AlarmName) || !_composites.TryAdd(definition.AlarmName, new CompositeState(definition)))
            {
                throw new InvalidAlarmDefinitionException($"Alarm {definition.AlarmName} is defined twice.");
            }
        }

        // PutCompositeAlarm refuses a rule (or a suppressor) that names an alarm that does not exist.
        foreach (var definition in composites)
        {
            if (definition.ActionsSuppressor is { } suppressor)
            {
                _suppressorChanges[suppressor] = StateOf(suppressor) is null
                    ? throw new InvalidAlarmDefinitionException($"Alarm {definition.AlarmName}: its ActionsSuppressor '{suppressor}' is not an alarm here.")
                    : [];
            }

            if (definition.AlarmRule.AlarmNames.FirstOrDefault(n => !_metricAlarms.ContainsKey(n) && !_composites.ContainsKey(n)) is { } missing)
            {
                throw new InvalidAlarmDefinitionException($"Alarm {definition.AlarmName}: its AlarmRule names '{missing}', which is not an alarm here.");
            }
        }
    }

    public IEnumerable<MetricAlarm> MetricAlarms => _metricAlarms.Values;

    public IEnumerable<CompositeAlarmDefinition> CompositeAlarms => _composites.Values.Select(c => c.Definition);

    /// <summary>The current state of any alarm by name; null when there is none.</summary>
    public AlarmState? StateOf(string name) =>
        _metricAlarms.TryGetValue(name, out var metric) ? metric.State
        : _composites.TryGetValue(name, out var composite) ? composite.State
        : null;

    /// <summary>
    /// Puts an alarm back in the state a previous run left it in (not a transition: no actions run). A composite's state
    /// is restored as it was, not re-derived, so its next change is judged from it, as in a CloudWatch that never stopped.
    /// </summary>
    /// <returns>False when there is no such alarm (the config has changed since).</returns>
    public bool Restore(string name, AlarmState state, string reason, DateTimeOffset updated)
    {
        if (_metricAlarms.TryGetValue(name, out var metric))
        {
            metric.Restore(state, reason, updated);
        }
        else if (_composites.TryGetValue(name, out var composite))
        {
            composite.State = state;
        }
        else
        {
            return false;
        }

        Record(name, state, updated);
        return true;
    }

    /// <summary>
    /// Evaluates every metric alarm over its evaluation range of periods complete by <paramref name="now"/>, then
    /// the composites their changes affect. CloudWatch evaluates alarms about once a minute; callers do the same.
    /// </summary>
    public IReadOnlyList<AlarmTransition> Evaluate(MetricStore store, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(store);
        var transitions = new List<AlarmTransition>();
        foreach (var alarm in _metricAlarms.Values)
        {
            var period = alarm.Definition.Period;
            var end = now.ToUnixTimeSeconds() - (now.ToUnixTimeSeconds() % period);
            var length = AlarmEvaluation.RangeLength(alarm.Definition.EvaluationPeriods);
            var start = DateTimeOffset.FromUnixTimeSeconds(end - (length * (long)period));
            var range = AlarmData.Read(store, alarm.Definition, start, DateTimeOffset.FromUnixTimeSeconds(end));
            if (alarm.Evaluate(now, range) is { } transition)
            {
                transitions.Add(transition);
            }
        }

        transitions.AddRange(Propagate(transitions, now));
        transitions.AddRange(ReleaseHeldActions(now));
        return transitions;
    }

    // A child's change re-evaluates the composites that name it, and theirs in turn.
    private List<AlarmTransition> Propagate(IReadOnlyList<AlarmTransition> changes, DateTimeOffset now)
    {
        foreach (var change in changes)
        {
            Record(change.AlarmName, change.NewState, now);
        }

        var result = new List<AlarmTransition>();
        var pending = new Queue<string>(changes.Select(c => c.AlarmName));
        while (pending.TryDequeue(out var changed))
        {
            foreach (var composite in _composites.Values.Where(c => c.Definition.AlarmRule.AlarmNames.Contains(changed)))
            {
                var state = composite.Definition.AlarmRule.EvaluateState(StateOf);
                if (state == composite.State)
                {
                    continue;
                }

                var old = composite.State;
                composite.State = state;
                Record(composite.Definition.AlarmName, state, now);
                var transition = new AlarmTransition(composite.Definition.AlarmName, old, state, Reason(composite.Definition), now, composite.Definition.Actions.For(state));
                if (transition.Actions.Count > 0 && SuppressedBy(composite.Definition, now, now) != ActionsSuppressedBy.None)
                {
                    _held.Add((composite, transition));
                    transition = transition with { Actions = [] };
                }

                result.Add(transition);
                pending.Enqueue(composite.Definition.AlarmName);
            }
        }

        return result;
    }

    private ActionsSuppressedBy SuppressedBy(CompositeAlarmDefinition composite, DateTimeOffset changedAt, DateTimeOffset now) =>
        composite.ActionsSuppressor is { } suppressor && composite.Suppression is { } suppression
            ? suppression.SuppressedBy(_suppressorChanges[suppressor], changedAt, now)
            : ActionsSuppressedBy.None;

    /// <summary>
    /// Held actions run once their suppression is over, if the composite is still in the state it entered; a
    /// composite that has moved on drops them, as CloudWatch does. The transition is reported again, with them.
    /// </summary>
    private List<AlarmTransition> ReleaseHeldActions(DateTimeOffset now)
    {
        var released = new List<AlarmTransition>();
        _held.RemoveAll(held =>
        {
            if (held.Composite.State != held.Transition.NewState)
            {
                return true;
            }

            if (SuppressedBy(held.Composite.Definition, held.Transition.Timestamp, now) != ActionsSuppressedBy.None)
            {
                return false;
            }

            released.Add(held.Transition);
            return true;
        });
        return released;
    }

    private string Reason(CompositeAlarmDefinition definition) =>
        $"alarm rule {definition.AlarmRule.Text} is {(definition.AlarmRule.Evaluate(StateOf) ? "TRUE" : "FALSE")}: " +
        string.Join(", ", definition.AlarmRule.AlarmNames.Select(n => $"{n} is {(StateOf(n) ?? AlarmState.InsufficientData).ToApiName()}"));

    private void Record(string name, AlarmState state, DateTimeOffset at)
    {
        if (_suppressorChanges.TryGetValue(name, out var list))
        {
            // Suppression periods are bounded (CloudWatch caps them at days); a week of changes, plus the last
            // one before it for the state at the window's start, is all a decision can need.
            list.Add(new AlarmStateChange(at, state));
            var old = list.FindLastIndex(c => c.At < at - TimeSpan.FromDays(7));
            if (old > 0)
            {
                list.RemoveRange(0, old);
            }
        }
    }

    private sealed class CompositeState(CompositeAlarmDefinition definition)
    {
        public CompositeAlarmDefinition Definition { get; } = definition;

        // A new composite is INSUFFICIENT_DATA until first evaluated, like a metric alarm.
        public AlarmState State { get; set; } = AlarmState.InsufficientData;
    }
}
