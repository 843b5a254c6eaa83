using Paywatch.Monitoring.Alarms;

namespace Paywatch.Local.Alarms;

/// <summary>One alarm's state as the last run left it.</summary>
internal sealed record SavedAlarmState(string AlarmName, AlarmState State, string Reason, DateTimeOffset Updated);
