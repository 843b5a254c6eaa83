using Paywatch.Monitoring.Alarms;

namespace Paywatch.Local.Alarms;

/// <summary>
/// One alarm as DescribeAlarms reports it: its definition (exactly one of <see cref="MetricAlarm"/> and
/// <see cref="CompositeAlarm"/>), ARN, state, reason and timestamps.
/// </summary>
public sealed record AlarmSnapshot(
    string AlarmName,
    string AlarmArn,
    AlarmState StateValue,
    string StateReason,
    DateTimeOffset StateUpdatedTimestamp,
    DateTimeOffset AlarmConfigurationUpdatedTimestamp,
    MetricAlarmDefinition? MetricAlarm,
    CompositeAlarmDefinition? CompositeAlarm)
{
    public string? AlarmDescription => MetricAlarm?.AlarmDescription ?? CompositeAlarm?.AlarmDescription;

    public AlarmActions Actions => MetricAlarm?.Actions ?? CompositeAlarm!.Actions;
}
