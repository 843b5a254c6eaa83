using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Alarms;

/// <summary>
/// What CloudWatch publishes to an alarm's SNS topic on a state change: the subject
/// <c>ALARM: "name" in US East (N. Virginia)</c> and the JSON message with AlarmName, AlarmDescription, AWSAccountId,
/// AlarmConfigurationUpdatedTimestamp, NewStateValue, NewStateReason, StateChangeTime, Region, AlarmArn,
/// OldStateValue, the actions, and the Trigger (metric alarms) or AlarmRule and TriggeringChildren (composite
/// alarms): https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html,
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html.
/// </summary>
public static class AlarmNotification
{
    public static string Subject(string alarmName, AlarmState state, string region) =>
        $"{state.ToApiName()}: \"{alarmName}\" in {RegionNames.DisplayName(region)}";

    /// <param name="alarm">The alarm after the change.</param>
    /// <param name="oldState">The state it left.</param>
    /// <param name="accountId">The account (<c>000000000000</c> in the twin).</param>
    /// <param name="region">The region code.</param>
    /// <param name="stateOf">The current state of every alarm (a composite's children), with when it was entered.</param>
    public static string Message(AlarmSnapshot alarm, AlarmState oldState, string accountId, string region, Func<string, AlarmSnapshot?> stateOf)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        ArgumentNullException.ThrowIfNull(stateOf);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("AlarmName", alarm.AlarmName);
            w.WriteString("AlarmDescription", alarm.AlarmDescription);
            w.WriteString("AWSAccountId", accountId);
            w.WriteString("AlarmConfigurationUpdatedTimestamp", Timestamp(alarm.AlarmConfigurationUpdatedTimestamp));
            w.WriteString("NewStateValue", alarm.StateValue.ToApiName());
            w.WriteString("NewStateReason", alarm.StateReason);
            w.WriteString("StateChangeTime", Timestamp(alarm.StateUpdatedTimestamp));
            w.WriteString("Region", RegionNames.DisplayName(region));
            w.WriteString("AlarmArn", alarm.AlarmArn);
            w.WriteString("OldStateValue", oldState.ToApiName());
            Strings(w, "OKActions", alarm.Actions.Ok);
            Strings(w, "AlarmActions", alarm.Actions.Alarm);
            Strings(w, "InsufficientDataActions", alarm.Actions.InsufficientData);
            if (alarm.MetricAlarm is { } metric)
            {
                WriteTrigger(w, metric);
            }
            else
            {
                var composite = alarm.CompositeAlarm!;
                w.WriteString("AlarmRule", composite.AlarmRule.Text);
                // The children whose state makes the rule what it is now: those in the state the composite entered
                // for ALARM (CloudWatch lists the alarms that triggered it).
                w.WriteStartArray("TriggeringChildren");
                foreach (var child in composite.AlarmRule.AlarmNames.Select(stateOf).OfType<AlarmSnapshot>()
                    .Where(c => alarm.StateValue != AlarmState.Alarm || c.StateValue == AlarmState.Alarm))
                {
                    w.WriteStartObject();
                    w.WriteString("Arn", child.AlarmArn);
                    w.WriteStartObject("State");
                    w.WriteString("Value", child.StateValue.ToApiName());
                    w.WriteString("Timestamp", Timestamp(child.StateUpdatedTimestamp));
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>CloudWatch's notification timestamps: <c>2022-06-13T20:29:36.146+0000</c>.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    private static void WriteTrigger(Utf8JsonWriter w, MetricAlarmDefinition d)
    {
        w.WriteStartObject("Trigger");
        if (d.Metric is { } metric && d.Statistic is { } statistic)
        {
            w.WriteString("MetricName", metric.Name);
            w.WriteString("Namespace", metric.Namespace);
            w.WriteString("StatisticType", statistic.Percentile is null ? "Statistic" : "ExtendedStatistic");
            // CloudWatch writes plain statistics upper-case (AVERAGE, SUM) and percentiles as given (p99).
            w.WriteString("Statistic", statistic.Percentile is null ? statistic.Name.ToUpperInvariant() : statistic.Name);
            w.WriteNull("Unit");
            Dimensions(w, metric, "name", "value");
            w.WriteNumber("Period", d.Period);
        }
        else
        {
            w.WriteNumber("Period", d.Metrics.Select(q => q.Period).OfType<int>().DefaultIfEmpty(60).First());
        }

        w.WriteNumber("EvaluationPeriods", d.EvaluationPeriods);
        w.WriteNumber("DatapointsToAlarm", d.DatapointsToAlarm);
        w.WriteString("ComparisonOperator", d.ComparisonOperator.ToString());
        w.WriteNumber("Threshold", d.Threshold);
        w.WriteString("TreatMissingData", TreatMissingData(d.TreatMissingData));
        w.WriteString("EvaluateLowSampleCountPercentile", d.IgnoreLowSampleCountPercentile ? "ignore" : "");
        if (d.Metrics.Count > 0)
        {
            w.WriteStartArray("Metrics");
            foreach (var query in d.Metrics)
            {
                w.WriteStartObject();
                w.WriteString("Id", query.Id);
                if (query.Expression is { } expression)
                {
                    w.WriteString("Expression", expression.Text);
                }
                else
                {
                    w.WriteStartObject("MetricStat");
                    w.WriteStartObject("Metric");
                    Dimensions(w, query.Metric!, "value", "name");
                    w.WriteString("MetricName", query.Metric!.Name);
                    w.WriteString("Namespace", query.Metric.Namespace);
                    w.WriteEndObject();
                    w.WriteNumber("Period", query.Period ?? d.Period);
                    w.WriteString("Stat", query.Stat?.Name);
                    w.WriteEndObject();
                }

                if (query.Label is not null)
                {
                    w.WriteString("Label", query.Label);
                }

                w.WriteBoolean("ReturnData", query.ReturnData);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    internal static string TreatMissingData(MissingDataTreatment treatment) => treatment switch
    {
        MissingDataTreatment.Ignore => "ignore",
        MissingDataTreatment.Breaching => "breaching",
        MissingDataTreatment.NotBreaching => "notBreaching",
        _ => "missing",
    };

    // The notification writes dimensions with lower-case keys ({"value": ..., "name": ...}), unlike the API.
    private static void Dimensions(Utf8JsonWriter w, MetricKey metric, string first, string second)
    {
        w.WriteStartArray("Dimensions");
        foreach (var (name, value) in metric.Dimensions)
        {
            w.WriteStartObject();
            w.WriteString(first, first == "name" ? name : value);
            w.WriteString(second, second == "name" ? name : value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
