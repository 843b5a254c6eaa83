namespace Paywatch.Monitoring.Alarms;

/// <summary>
/// Composite-alarm action suppression: whether a composite's actions are held back at a given time because of
/// its ActionsSuppressor alarm, its ActionsSuppressorWaitPeriod and its ActionsSuppressorExtensionPeriod.
/// </summary>
/// <remarks>
/// <para>
/// Our reading of https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm_Suppression.html
/// and the CompositeAlarm API type (ActionsSuppressedBy = WaitPeriod | ExtensionPeriod | Alarm):
/// </para>
/// <list type="bullet">
/// <item>While the suppressor is in ALARM, actions are suppressed (<see cref="ActionsSuppressedBy.Alarm"/>).</item>
/// <item>
/// When the composite changes state, a WaitPeriod starts: the composite waits up to WaitPeriod for the
/// suppressor to go into ALARM ("the composite alarm changes from OK to ALARM at t2. A WaitPeriod starts at t2").
/// The wait ends early once the suppressor has gone into ALARM: what it waited for has happened.
/// </item>
/// <item>
/// When the suppressor leaves ALARM, an ExtensionPeriod starts; actions stay suppressed until it ends
/// ("the maximum time ... that the composite alarm waits after suppressor alarm goes out of the ALARM state").
/// </item>
/// <item>Afterwards, if the composite is still in the state, it performs its actions.</item>
/// </list>
/// <para>
/// Periods are half-open: a WaitPeriod of 60 s starting at t covers [t, t + 60 s). Before the suppressor's first
/// recorded change it is taken to be out of ALARM (a new alarm starts in INSUFFICIENT_DATA).
/// </para>
/// </remarks>
public sealed class ActionsSuppressor
{
    public ActionsSuppressor(TimeSpan waitPeriod, TimeSpan extensionPeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(waitPeriod, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(extensionPeriod, TimeSpan.Zero);
        WaitPeriod = waitPeriod;
        ExtensionPeriod = extensionPeriod;
    }

    public TimeSpan WaitPeriod { get; }

    public TimeSpan ExtensionPeriod { get; }

    /// <summary>
    /// Why the composite's actions for its state change at <paramref name="compositeChangedAt"/> are suppressed at
    /// time <paramref name="at"/> (<see cref="ActionsSuppressedBy.None"/> when they are not).
    /// </summary>
    /// <param name="suppressorHistory">The suppressor's state changes, in time order.</param>
    /// <param name="compositeChangedAt">When the composite entered its current state.</param>
    /// <param name="at">The moment asked about; not before <paramref name="compositeChangedAt"/>.</param>
    public ActionsSuppressedBy SuppressedBy(IReadOnlyList<AlarmStateChange> suppressorHistory, DateTimeOffset compositeChangedAt, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(suppressorHistory);
        ArgumentOutOfRangeException.ThrowIfLessThan(at, compositeChangedAt);

        var inAlarm = false;
        DateTimeOffset? leftAlarmAt = null;
        var alarmSinceCompositeChanged = false;
        for (var i = 0; i < suppressorHistory.Count; i++)
        {
            var change = suppressorHistory[i];
            if (i > 0 && change.At < suppressorHistory[i - 1].At)
            {
                throw new ArgumentException("The suppressor's state changes must be in time order.", nameof(suppressorHistory));
            }

            if (change.At > at)
            {
                break;
            }

            var nowInAlarm = change.State == AlarmState.Alarm;
            if (inAlarm && !nowInAlarm)
            {
                leftAlarmAt = change.At;

                // It was in ALARM up to this change, so also after the composite changed: no more waiting.
                alarmSinceCompositeChanged |= change.At > compositeChangedAt;
            }

            inAlarm = nowInAlarm;
            if (inAlarm && change.At >= compositeChangedAt)
            {
                alarmSinceCompositeChanged = true;
            }
        }

        if (inAlarm)
        {
            return ActionsSuppressedBy.Alarm;
        }

        if (leftAlarmAt is { } left && at < left + ExtensionPeriod)
        {
            return ActionsSuppressedBy.ExtensionPeriod;
        }

        if (!alarmSinceCompositeChanged && at < compositeChangedAt + WaitPeriod)
        {
            return ActionsSuppressedBy.WaitPeriod;
        }

        return ActionsSuppressedBy.None;
    }
}
