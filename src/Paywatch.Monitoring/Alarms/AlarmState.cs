namespace Paywatch.Monitoring.Alarms;

/// <summary>A CloudWatch alarm's state.</summary>
public enum AlarmState
{
    Ok,
    Alarm,
    InsufficientData,
}
