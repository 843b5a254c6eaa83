using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Api.Protocols;
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
    public static JsonObject Run(AlarmScheduler alarms, JsonElement request)
    {
        if (request.TryGetProperty("AlarmContributorId", out _))
        {
            throw new AwsServiceException("InvalidParameterValue", "AlarmContributorId: the twin's alarms have no contributors (no Contributor Insights rules).");
        }

        var name = AwsJsonBody.String(request, "AlarmName");
        var types = AwsJsonBody.Strings(request, "AlarmTypes");
        // The model has checked HistoryItemType and ScanBy against their enums, MaxRecords against its range.
        var itemType = AwsJsonBody.String(request, "HistoryItemType");
        var scanBy = AwsJsonBody.String(request, "ScanBy") ?? "TimestampDescending";

        var startDate = AwsJsonBody.Time(request, "StartDate") ?? DateTimeOffset.MinValue;
        var endDate = AwsJsonBody.Time(request, "EndDate") ?? DateTimeOffset.MaxValue;
        var maxRecords = AwsJsonBody.Int(request, "MaxRecords") ?? 100;
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
        return new()
        {
            ["AlarmHistoryItems"] = new JsonArray([.. page.Select(item => new JsonObject
            {
                ["AlarmName"] = item.Transition.AlarmName,
                ["AlarmType"] = composites.Contains(item.Transition.AlarmName) ? "CompositeAlarm" : "MetricAlarm",
                ["Timestamp"] = item.Transition.Timestamp,
                ["HistoryItemType"] = "StateUpdate",
                ["HistorySummary"] = $"Alarm updated from {item.Transition.OldState.ToApiName()} to {item.Transition.NewState.ToApiName()}",
                // The HistoryData JSON of a state update: version, old state and new state with their reasons.
                ["HistoryData"] = Encoding.UTF8.GetString(JsonCodec.Write(new JsonObject
                {
                    ["version"] = "1.0",
                    ["oldState"] = new JsonObject { ["stateValue"] = item.Transition.OldState.ToApiName(), ["stateReason"] = item.Previous?.Reason },
                    ["newState"] = new JsonObject { ["stateValue"] = item.Transition.NewState.ToApiName(), ["stateReason"] = item.Transition.Reason },
                })),
            })]),
            ["NextToken"] = next,
        };
    }
}
