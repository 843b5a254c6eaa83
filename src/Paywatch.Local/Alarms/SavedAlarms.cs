using Paywatch.Monitoring.Alarms;

namespace Paywatch.Local.Alarms;

/// <summary>What <see cref="AlarmStateStore"/> kept of the last run: each alarm's state and the recent transitions, oldest first.</summary>
internal sealed record SavedAlarms(IReadOnlyList<SavedAlarmState> States, IReadOnlyList<AlarmTransition> History)
{
    public static SavedAlarms None { get; } = new([], []);
}
