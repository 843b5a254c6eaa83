using System.Text.Json;
using Paywatch.Local.Alarms;
using Paywatch.Monitoring.Alarms;

namespace Paywatch.Local.Tests.Alarms;

/// <summary>
/// The message CloudWatch would send for an alarm's latest transition into a state, had the alarm actions: the shipped
/// metric alarms have none (their composites notify), so tests read their transitions this way.
/// </summary>
internal static class AlarmMessages
{
    public static JsonElement OfTransition(AlarmScheduler scheduler, string alarmName, AlarmState state)
    {
        var transition = scheduler.RecentTransitions.Last(t => t.AlarmName == alarmName && t.NewState == state);
        var alarms = scheduler.DescribeAlarms();
        return JsonDocument.Parse(AlarmNotification.Message(
            alarms.Single(a => a.AlarmName == alarmName), transition.OldState, scheduler.AccountId, scheduler.Region, name => alarms.FirstOrDefault(a => a.AlarmName == name))).RootElement;
    }
}
