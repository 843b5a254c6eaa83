namespace Paywatch.Monitoring.Alarms;

/// <summary>A period's value for an alarm, with the samples behind it (for the low-sample percentile rule).</summary>
public readonly record struct AlarmDatapoint(DateTimeOffset Timestamp, double Value, long SampleCount);

/// <summary>A state change: what CloudWatch records in the alarm's history and acts on.</summary>
public sealed record AlarmTransition(
    string AlarmName, AlarmState OldState, AlarmState NewState, string Reason, DateTimeOffset Timestamp, IReadOnlyList<string> Actions);

/// <summary>
/// A metric alarm's life: its state (INSUFFICIENT_DATA when created, as in CloudWatch), the reason, and the
/// history of transitions. Each evaluation takes the alarm's evaluation range and may change the state; a change
/// names the actions to run (none when <c>ActionsEnabled</c> is false).
/// </summary>
public sealed class MetricAlarm
{
    private readonly List<AlarmTransition> _history = [];

    public MetricAlarm(MetricAlarmDefinition definition, AlarmState initialState = AlarmState.InsufficientData)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
        State = initialState;
    }

    public MetricAlarmDefinition Definition { get; }

    public AlarmState State { get; private set; }

    public string StateReason { get; private set; } = "Unchecked: Initial alarm creation";

    public DateTimeOffset? StateUpdated { get; private set; }

    public IReadOnlyList<AlarmTransition> History => _history;

    /// <summary>
    /// Puts the alarm back in the state a previous run left it in (CloudWatch keeps an alarm's state; a restarted twin
    /// should too). Not a transition: nothing is recorded or acted on.
    /// </summary>
    public void Restore(AlarmState state, string reason, DateTimeOffset updated)
    {
        State = state;
        StateReason = reason;
        StateUpdated = updated;
    }

    /// <param name="at">When the evaluation happens (the end of the newest period in the range).</param>
    /// <param name="range">The evaluation range, oldest first, <see cref="AlarmEvaluation.RangeLength"/> periods; null = no datapoint.</param>
    /// <returns>The transition, when the state changed.</returns>
    public AlarmTransition? Evaluate(DateTimeOffset at, IReadOnlyList<AlarmDatapoint?> range)
    {
        ArgumentNullException.ThrowIfNull(range);
        var d = Definition;
        if (d.IgnoreLowSampleCountPercentile && d.Statistic?.Percentile is { } p
            && range.LastOrDefault(x => x is not null) is { } latest && latest.SampleCount < MinimumSamples(p))
        {
            // "Percentile-based alarms and low data samples": with "ignore", the alarm waits for enough samples.
            return null;
        }

        var values = range.Select(x => x?.Value).ToList();
        var (state, evaluated) = AlarmEvaluation.Evaluate(
            values, v => d.ComparisonOperator.Breaches(v, d.Threshold), d.EvaluationPeriods, d.DatapointsToAlarm, d.TreatMissingData, State);
        if (state == State)
        {
            return null;
        }

        var transition = new AlarmTransition(d.AlarmName, State, state, Reason(state, range, evaluated), at, d.Actions.For(state));
        State = state;
        StateReason = transition.Reason;
        StateUpdated = at;
        _history.Add(transition);
        return transition;
    }

    // For p ≥ 0.5, fewer than 10/(1−p) samples is "low"; below 0.5, fewer than 10/p (CloudWatch user guide).
    private static double MinimumSamples(double p) => p >= 0.5 ? 10 / (1 - p) : 10 / Math.Max(p, 1e-9);

    // Worded like CloudWatch's own state reasons.
    private string Reason(AlarmState state, IReadOnlyList<AlarmDatapoint?> range, IReadOnlyList<int> evaluated)
    {
        var d = Definition;
        var missing = d.EvaluationPeriods - evaluated.Count;
        if (state == AlarmState.InsufficientData)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Insufficient Data: {missing} datapoint{(missing == 1 ? " was" : "s were")} unknown.");
        }

        var shown = evaluated.Reverse().Select(i => range[i]!.Value).ToList();
        var counted = shown.Count(p => d.ComparisonOperator.Breaches(p.Value, d.Threshold) == (state == AlarmState.Alarm));
        var list = string.Join(", ", shown.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value:0.0###} ({p.Timestamp:dd/MM/yy HH:mm:ss})")));
        var verb = counted == 1 ? "was" : "were";
        var comparison = (state == AlarmState.Alarm ? "" : "not ") + d.ComparisonOperator.Describe();
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"Threshold Crossed: {counted} out of the last {shown.Count} datapoints [{list}] {verb} {comparison} the threshold ({d.Threshold:0.0###}) (minimum {d.DatapointsToAlarm} datapoint{(d.DatapointsToAlarm == 1 ? "" : "s")} for {(state == AlarmState.Alarm ? "OK -> ALARM" : "ALARM -> OK")} transition).");
        if (missing > 0 && d.TreatMissingData is MissingDataTreatment.Breaching or MissingDataTreatment.NotBreaching)
        {
            reason += string.Create(CultureInfo.InvariantCulture,
                $" {missing} missing datapoint{(missing == 1 ? " was" : "s were")} treated as [{(d.TreatMissingData == MissingDataTreatment.Breaching ? "Breaching" : "NonBreaching")}].");
        }

        return reason;
    }
}
