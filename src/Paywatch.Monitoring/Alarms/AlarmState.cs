namespace Paywatch.Monitoring.Alarms;

/// <summary>The three states a CloudWatch alarm can be in (StateValue: OK | ALARM | INSUFFICIENT_DATA).</summary>
public enum AlarmState
{
    Ok,
    Alarm,
    InsufficientData,
}
