using System.Text.Json;
using Paywatch.Local.Alarms;
using Paywatch.Monitoring.Alarms;

namespace Paywatch.Local.Api;

/// <summary>
/// CloudWatch's DescribeAlarmHistory over the alarm scheduler's recent transitions
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html): StateUpdate
/// items, newest first unless ScanBy is TimestampAscending, MaxRecords (1-100, default 100) to a page. The twin
/// records no ConfigurationUpdate or Action items, so asking for those finds none.
/// </summary>
internal static class AlarmHistoryQuery
{
    public static byte[] Run(AlarmScheduler alarms, JsonElement request)
    {
        if (request.TryGetProperty("AlarmContributorId", out _))
        {
            throw new AwsServiceException("InvalidParameterValue", "AlarmContributorId: the twin's alarms have no contributors (no Contributor Insights rules).");
        }

        var name = AwsJsonBody.String(request, "AlarmName");
        var types = AwsJsonBody.Strings(request, "AlarmTypes");
        var itemType = AwsJsonBody.String(request, "HistoryItemType");
        if (itemType is not (null or "StateUpdate" or "ConfigurationUpdate" or "Action" or "AlarmContributorStateUpdate" or "AlarmContributorAction"))
        {
            throw new AwsServiceException("ValidationError", $"1 validation error detected: Value '{itemType}' at 'historyItemType' failed to satisfy constraint: Member must satisfy enum value set: [ConfigurationUpdate, StateUpdate, Action, AlarmContributorStateUpdate, AlarmContributorAction]");
        }

        var scanBy = AwsJsonBody.String(request, "ScanBy") ?? "TimestampDescending";
        if (scanBy is not ("TimestampDescending" or "TimestampAscending"))
        {
            throw new AwsServiceException("ValidationError", $"1 validation error detected: Value '{scanBy}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]");
        }

        var startDate = request.TryGetProperty("StartDate", out _) ? MetricStatisticsQuery.Timestamp(request, "StartDate") : DateTimeOffset.MinValue;
        var endDate = request.TryGetProperty("EndDate", out _) ? MetricStatisticsQuery.Timestamp(request, "EndDate") : DateTimeOffset.MaxValue;
        var maxRecords = AwsJsonBody.IntInRange(request, "MaxRecords", 1, 100, "ValidationError") ?? 100;
        var composites = alarms.DescribeAlarms().Where(a => a.CompositeAlarm is not null).Select(a => a.AlarmName).ToHashSet(StringComparer.Ordinal);
        var transitions = alarms.RecentTransitions;
        var items = transitions
            .Select((t, i) => (Transition: t, Previous: transitions.Take(i).LastOrDefault(p => p.AlarmName == t.AlarmName)))
            .Where(x => (name is null || x.Transition.AlarmName == name)
                && (types.Count == 0 || types.Contains(composites.Contains(x.Transition.AlarmName) ? "CompositeAlarm" : "MetricAlarm"))
                && (itemType is null or "StateUpdate")
                && x.Transition.Timestamp >= startDate && x.Transition.Timestamp <= endDate)
            .ToList();
        if (scanBy == "TimestampDescending")
        {
            items.Reverse();
        }

        var (page, next) = PageToken.Page(items, maxRecords, "DescribeAlarmHistory", AwsJsonBody.String(request, "NextToken"), CloudWatchJson.InvalidNextToken);
        return AwsJsonBody.Write(w =>
        {
            w.WriteStartArray("AlarmHistoryItems");
            foreach (var (transition, previous) in page)
            {
                w.WriteStartObject();
                w.WriteString("AlarmName", transition.AlarmName);
                w.WriteString("AlarmType", composites.Contains(transition.AlarmName) ? "CompositeAlarm" : "MetricAlarm");
                w.WriteNumber("Timestamp", transition.Timestamp.ToUnixTimeMilliseconds() / 1000.0);
                w.WriteString("HistoryItemType", "StateUpdate");
                w.WriteString("HistorySummary", $"Alarm updated from {transition.OldState.ToApiName()} to {transition.NewState.ToApiName()}");
                w.WriteString("HistoryData", HistoryData(transition, previous));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (next is not null)
            {
                w.WriteString("NextToken", next);
            }
        });
    }

    /// <summary>The HistoryData JSON of a state update: version, old state and new state with their reasons.</summary>
    private static string HistoryData(AlarmTransition transition, AlarmTransition? previous)
    {
        var bytes = AwsJsonBody.Write(w =>
        {
            w.WriteString("version", "1.0");
            w.WriteStartObject("oldState");
            w.WriteString("stateValue", transition.OldState.ToApiName());
            if (previous is not null)
            {
                w.WriteString("stateReason", previous.Reason);
            }

            w.WriteEndObject();
            w.WriteStartObject("newState");
            w.WriteString("stateValue", transition.NewState.ToApiName());
            w.WriteString("stateReason", transition.Reason);
            w.WriteEndObject();
        });
        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}
