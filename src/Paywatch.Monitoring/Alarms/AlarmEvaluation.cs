namespace Paywatch.Monitoring.Alarms;

/// <summary>
/// One evaluation of a metric alarm over its evaluation range, as CloudWatch decides it ("Configuring how
/// CloudWatch alarms treat missing data", section "How alarm state is evaluated when data is missing").
/// </summary>
/// <remarks>
/// <para>The evaluation range holds more periods than <c>EvaluationPeriods</c> (N): CloudWatch's examples use
/// N + 2, and so does Paywatch. With at least N real datapoints in the range, the N most recent real ones are
/// evaluated and the missing-data setting does not matter. With fewer, every real datapoint in the range is
/// evaluated, together with the most recent missing periods up to N ("CloudWatch uses missing data points only
/// as few times as possible"), which <c>breaching</c> and <c>notBreaching</c> fill in. ALARM when at least
/// <c>DatapointsToAlarm</c> (M) of the evaluated datapoints breach, OK otherwise.</para>
/// <para><c>missing</c> and <c>ignore</c> fill in nothing: with fewer than M breaching datapoints and at least one
/// that does not breach, OK; with only breaching datapoints (fewer than M), <c>missing</c> goes to ALARM when the
/// oldest evaluated datapoint is real and breaching (AWS's sixth example row), to INSUFFICIENT_DATA otherwise,
/// while <c>ignore</c> keeps the current state; with no datapoint at all, INSUFFICIENT_DATA and the current state
/// respectively. The tests reproduce every row of AWS's two tables.</para>
/// </remarks>
public static class AlarmEvaluation
{
    /// <summary>How many periods the evaluation range holds for <paramref name="evaluationPeriods"/>.</summary>
    public static int RangeLength(int evaluationPeriods) => evaluationPeriods + 2;

    /// <param name="range">The range's datapoints, oldest first; null is a period without a datapoint.</param>
    /// <param name="breaches">Whether a datapoint breaches the threshold.</param>
    /// <returns>The new state, and the datapoints evaluated (real ones, oldest first) for the reason.</returns>
    public static (AlarmState State, IReadOnlyList<int> Evaluated) Evaluate(
        IReadOnlyList<double?> range,
        Func<double, bool> breaches,
        int evaluationPeriods,
        int datapointsToAlarm,
        MissingDataTreatment treatment,
        AlarmState current)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(breaches);
        var real = Enumerable.Range(0, range.Count).Where(i => range[i] is not null).ToList();
        if (real.Count >= evaluationPeriods)
        {
            var evaluated = real.TakeLast(evaluationPeriods).ToList();
            var breaching = evaluated.Count(i => breaches(range[i]!.Value));
            return (breaching >= datapointsToAlarm ? AlarmState.Alarm : AlarmState.Ok, evaluated);
        }

        var realBreaching = real.Count(i => breaches(range[i]!.Value));
        var fills = evaluationPeriods - real.Count;
        switch (treatment)
        {
            case MissingDataTreatment.Breaching:
                return (realBreaching + fills >= datapointsToAlarm ? AlarmState.Alarm : AlarmState.Ok, real);
            case MissingDataTreatment.NotBreaching:
                return (realBreaching >= datapointsToAlarm ? AlarmState.Alarm : AlarmState.Ok, real);
        }

        if (realBreaching >= datapointsToAlarm)
        {
            return (AlarmState.Alarm, real);
        }

        if (realBreaching < real.Count)
        {
            return (AlarmState.Ok, real);
        }

        if (treatment == MissingDataTreatment.Ignore)
        {
            return (current, real);
        }

        // Only breaching datapoints (or none). The evaluated periods are the real ones plus the most recent
        // missing ones; when the oldest of those is a real, breaching datapoint, the breach stands.
        var missingEvaluated = Enumerable.Range(0, range.Count).Where(i => range[i] is null).TakeLast(fills);
        var oldestEvaluated = real.Concat(missingEvaluated).DefaultIfEmpty(-1).Min();
        return (real.Count > 0 && range[oldestEvaluated] is not null ? AlarmState.Alarm : AlarmState.InsufficientData, real);
    }
}
