namespace Paywatch.Monitoring.Alarms;

/// <summary>A composite alarm's AlarmRule that PutCompositeAlarm would reject.</summary>
public sealed class InvalidAlarmRuleException : InvalidExpressionException
{
    public InvalidAlarmRuleException()
    {
    }

    public InvalidAlarmRuleException(string message)
        : base(message)
    {
    }

    public InvalidAlarmRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal InvalidAlarmRuleException(string reason, int? position)
        : base("AlarmRule", reason, position)
    {
    }
}
