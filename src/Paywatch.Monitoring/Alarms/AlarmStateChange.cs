namespace Paywatch.Monitoring.Alarms;

/// <summary>An alarm entering <paramref name="State"/> at <paramref name="At"/>.</summary>
public readonly record struct AlarmStateChange(DateTimeOffset At, AlarmState State);
