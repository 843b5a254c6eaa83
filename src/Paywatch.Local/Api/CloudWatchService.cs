using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Alarms;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;
using Paywatch.Local.Dashboards;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Api;

/// <summary>
/// CloudWatch's behaviour over the twin's alarms, metric store and dashboards: DescribeAlarms, DescribeAlarmHistory,
/// GetMetricStatistics, GetMetricData, ListMetrics, PutMetricData, GetDashboard and ListDashboards. Each operation reads
/// and writes the neutral value (<see cref="NeutralValue"/>); CloudWatch's three protocols reach it through the codecs
/// driven by its service model: AWS JSON 1.0 (target prefix <c>GraniteServiceVersion20100801</c>), RPC v2 CBOR
/// (<see cref="RpcV2CborEndpoint"/>) and the query protocol (SigV4 service <c>monitoring</c>, <see cref="QueryCodec"/>).
/// Requests are validated against the model's constraints first (<see cref="ShapeValidator"/>).
/// DescribeAlarms answers the MetricAlarms and CompositeAlarms of
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html; without AlarmTypes
/// only metric alarms are returned, as CloudWatch does.
/// </summary>
public sealed class CloudWatchService(
    AlarmScheduler alarms, MetricStore? metrics = null, Func<IReadOnlyList<LocalDashboard>>? dashboards = null, TimeProvider? time = null)
    // CloudWatch answers a missing required member with MissingParameter, other constraints with ValidationError.
    : AwsService("CloudWatch", "ValidationError", "MissingParameter")
{
    private readonly MetricUnits _units = new();

    private protected override ValueTask<JsonObject> HandleAsync(string operation, JsonElement r, CancellationToken cancellationToken)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        return ValueTask.FromResult((operation, metrics, dashboards) switch
        {
            ("GetMetricStatistics", { } store, _) => MetricStatisticsQuery.Run(store, _units, r),
            ("GetMetricData", { } store, _) => GetMetricDataQuery.Run(store, _units, r, alarms.AccountId),
            ("ListMetrics", { } store, _) => ListMetricsQuery.Run(store, r, now, alarms.AccountId),
            ("PutMetricData", { } store, _) => PutMetricDataCommand.Run(store, _units, r, now),
            ("GetDashboard", _, { } list) => DashboardQuery.Get(list(), r, alarms.AccountId),
            ("ListDashboards", _, { } list) => DashboardQuery.List(list(), r, alarms.AccountId),
            ("DescribeAlarmHistory", _, _) => AlarmHistoryQuery.Run(alarms, r),
            ("DescribeAlarms", _, _) => DescribeAlarms(r),
            _ => throw new AwsServiceException("UnknownOperationException", $"The twin's CloudWatch does not support {operation}: it runs without a metric store or dashboards."),
        });
    }

    // MaxRecords is 1-100 and defaults to 50 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html);
    // one page holds the alarms of every requested type, in the order the scheduler lists them.
    private JsonObject DescribeAlarms(JsonElement r)
    {
        var names = AwsJsonBody.Strings(r, "AlarmNames");
        var prefix = AwsJsonBody.String(r, "AlarmNamePrefix");
        var state = AwsJsonBody.String(r, "StateValue");
        var action = AwsJsonBody.String(r, "ActionPrefix");
        // "If you omit this parameter, only metric alarms are returned, even if composite alarms exist."
        var types = AwsJsonBody.Strings(r, "AlarmTypes") is { Count: > 0 } asked ? asked : ["MetricAlarm"];
        List<AlarmSnapshot> selected =
        [
            .. alarms.DescribeAlarms().Where(a =>
                ((a.MetricAlarm is not null && types.Contains("MetricAlarm")) || (a.CompositeAlarm is not null && types.Contains("CompositeAlarm")))
                && (names.Count == 0 || names.Contains(a.AlarmName))
                && (prefix is null || a.AlarmName.StartsWith(prefix, StringComparison.Ordinal))
                && (state is null || a.StateValue.ToApiName() == state)
                && (action is null || a.Actions.Alarm.Concat(a.Actions.Ok).Concat(a.Actions.InsufficientData).Any(x => x.StartsWith(action, StringComparison.Ordinal)))),
        ];
        var (page, next) = PageToken.Page(selected, AwsJsonBody.Int(r, "MaxRecords") ?? 50, "DescribeAlarms", AwsJsonBody.String(r, "NextToken"), CloudWatchJson.InvalidNextToken);
        return new()
        {
            ["CompositeAlarms"] = types.Contains("CompositeAlarm") ? new JsonArray([.. page.Where(a => a.CompositeAlarm is not null).Select(Composite)]) : null,
            ["MetricAlarms"] = types.Contains("MetricAlarm") ? new JsonArray([.. page.Where(a => a.MetricAlarm is not null).Select(MetricAlarm)]) : null,
            ["NextToken"] = next,
        };
    }

    private static JsonObject Composite(AlarmSnapshot alarm)
    {
        var composite = Common(alarm);
        composite["AlarmRule"] = alarm.CompositeAlarm!.AlarmRule.Text;
        return composite;
    }

    private static JsonObject Common(AlarmSnapshot alarm) => new()
    {
        ["AlarmName"] = alarm.AlarmName,
        ["AlarmArn"] = alarm.AlarmArn,
        ["AlarmDescription"] = alarm.AlarmDescription,
        ["AlarmConfigurationUpdatedTimestamp"] = alarm.AlarmConfigurationUpdatedTimestamp,
        ["ActionsEnabled"] = alarm.Actions.Enabled,
        ["OKActions"] = Strings(alarm.Actions.Ok),
        ["AlarmActions"] = Strings(alarm.Actions.Alarm),
        ["InsufficientDataActions"] = Strings(alarm.Actions.InsufficientData),
        ["StateValue"] = alarm.StateValue.ToApiName(),
        ["StateReason"] = alarm.StateReason,
        ["StateUpdatedTimestamp"] = alarm.StateUpdatedTimestamp,
        ["StateTransitionedTimestamp"] = alarm.StateUpdatedTimestamp,
    };

    private static JsonObject MetricAlarm(AlarmSnapshot alarm)
    {
        var d = alarm.MetricAlarm!;
        var w = Common(alarm);
        if (d.Metric is { } metric && d.Statistic is { } statistic)
        {
            foreach (var (name, value) in CloudWatchJson.Metric(metric).ToList())
            {
                w[name] = value?.DeepClone();
            }

            w[statistic.Percentile is null ? "Statistic" : "ExtendedStatistic"] = statistic.Name;
            w["Period"] = d.Period;
        }

        w["EvaluationPeriods"] = d.EvaluationPeriods;
        w["DatapointsToAlarm"] = d.DatapointsToAlarm;
        w["Threshold"] = d.Threshold;
        w["ComparisonOperator"] = d.ComparisonOperator.ToString();
        w["TreatMissingData"] = AlarmNotification.TreatMissingData(d.TreatMissingData);
        w["EvaluateLowSampleCountPercentile"] = d.IgnoreLowSampleCountPercentile ? "ignore" : null;
        w["Metrics"] = d.Metrics.Count == 0 ? null : new JsonArray([.. d.Metrics.Select(query => new JsonObject
        {
            ["Id"] = query.Id,
            ["Expression"] = query.Expression?.Text,
            ["MetricStat"] = query.Expression is not null ? null : new JsonObject
            {
                ["Metric"] = CloudWatchJson.Metric(query.Metric!),
                ["Period"] = query.Period ?? d.Period,
                ["Stat"] = query.Stat?.Name,
            },
            ["Label"] = query.Label,
            ["ReturnData"] = query.ReturnData,
        })]);
        return w;
    }

    private static JsonArray Strings(IReadOnlyList<string> values) => new([.. values.Select(v => JsonValue.Create(v))]);
}
