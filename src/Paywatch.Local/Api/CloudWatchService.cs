using System.Text.Json;
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
    : IAwsJsonService, IAwsQueryService
{
    private readonly MetricUnits _units = new();

    private static ServiceModel Model => ServiceModels.CloudWatch;

    public string TargetPrefix => Model.TargetPrefix!;

    public string JsonVersion => Model.JsonVersion;

    public string SigningName => Model.SigningName;

    public string XmlNamespace => Model.XmlNamespace!;

    public ValueTask<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken)
    {
        var shapes = Model.Operation(operation);
        using var document = AwsJsonBody.Parse(requestBody);
        var r = document.RootElement;
        // CloudWatch answers a missing required member with MissingParameter, other constraints with ValidationError.
        ShapeValidator.ValidateRequest(shapes.Input, r, "ValidationError", "MissingParameter");
        var now = (time ?? TimeProvider.System).GetUtcNow();
        byte[]? answer = (operation, metrics, dashboards) switch
        {
            ("GetMetricStatistics", { } store, _) => MetricStatisticsQuery.Run(store, _units, r),
            ("GetMetricData", { } store, _) => GetMetricDataQuery.Run(store, _units, r, alarms.AccountId),
            ("ListMetrics", { } store, _) => ListMetricsQuery.Run(store, r, now, alarms.AccountId),
            ("PutMetricData", { } store, _) => PutMetricDataCommand.Run(store, _units, r, now),
            ("GetDashboard", _, { } list) => DashboardQuery.Get(list(), r, alarms.AccountId),
            ("ListDashboards", _, { } list) => DashboardQuery.List(list(), r, alarms.AccountId),
            ("DescribeAlarmHistory", _, _) => AlarmHistoryQuery.Run(alarms, r),
            ("DescribeAlarms", _, _) => DescribeAlarms(r),
            _ => null,
        };
        return answer is not null
            ? ValueTask.FromResult(answer)
            : throw new AwsServiceException("UnknownOperationException", $"The twin's CloudWatch does not support {operation}: it runs without a metric store or dashboards.");
    }

    public ValueTask<string> HandleAsync(string action, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken) =>
        QueryCodec.HandleAsync(Model, action, parameters, (operation, request, cancel) => HandleAsync(operation, request, cancel), cancellationToken);

    private byte[] DescribeAlarms(JsonElement r)
    {
        var filter = new Filter(
            AwsJsonBody.Strings(r, "AlarmNames"),
            AwsJsonBody.String(r, "AlarmNamePrefix"),
            AwsJsonBody.Strings(r, "AlarmTypes"),
            AwsJsonBody.String(r, "StateValue"),
            AwsJsonBody.String(r, "ActionPrefix"),
            AwsJsonBody.Int(r, "MaxRecords"),
            AwsJsonBody.String(r, "NextToken"));
        var (page, next) = Select(filter);
        return AwsJsonBody.Write(w => Write(w, page, filter, next));
    }

    // MaxRecords is 1-100 and defaults to 50 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html);
    // one page holds the alarms of every requested type, in the order the scheduler lists them.
    private (List<AlarmSnapshot> Page, string? NextToken) Select(Filter filter)
    {
        var types = Types(filter);
        List<AlarmSnapshot> selected =
        [
            .. alarms.DescribeAlarms().Where(a =>
                ((a.MetricAlarm is not null && types.Contains("MetricAlarm")) || (a.CompositeAlarm is not null && types.Contains("CompositeAlarm")))
                &&
                (filter.AlarmNames.Count == 0 || filter.AlarmNames.Contains(a.AlarmName))
                && (filter.AlarmNamePrefix is null || a.AlarmName.StartsWith(filter.AlarmNamePrefix, StringComparison.Ordinal))
                && (filter.StateValue is null || a.StateValue.ToApiName() == filter.StateValue)
                && (filter.ActionPrefix is null || a.Actions.Alarm.Concat(a.Actions.Ok).Concat(a.Actions.InsufficientData).Any(x => x.StartsWith(filter.ActionPrefix, StringComparison.Ordinal)))),
        ];
        var (page, next) = PageToken.Page(selected, filter.MaxRecords ?? 50, "DescribeAlarms", filter.NextToken, InvalidNextToken);
        return ([.. page], next);
    }

    private static AwsServiceException InvalidNextToken() => new("InvalidNextToken", "The NextToken is not valid: pass back a NextToken this operation returned.");

    // "If you omit this parameter, only metric alarms are returned, even if composite alarms exist."
    private static IReadOnlyList<string> Types(Filter filter) => filter.AlarmTypes.Count == 0 ? ["MetricAlarm"] : filter.AlarmTypes;

    private static void Write(Utf8JsonWriter w, List<AlarmSnapshot> selected, Filter filter, string? nextToken)
    {
        var types = Types(filter);
        if (types.Contains("CompositeAlarm"))
        {
            w.WriteStartArray("CompositeAlarms");
            foreach (var alarm in selected.Where(a => a.CompositeAlarm is not null))
            {
                w.WriteStartObject();
                Common(w, alarm);
                w.WriteOptionalString("AlarmRule", alarm.CompositeAlarm!.AlarmRule.Text);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (types.Contains("MetricAlarm"))
        {
            w.WriteStartArray("MetricAlarms");
            foreach (var alarm in selected.Where(a => a.MetricAlarm is not null))
            {
                w.WriteStartObject();
                Common(w, alarm);
                Metric(w, alarm.MetricAlarm!);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteOptionalString("NextToken", nextToken);
    }

    private static void Common(Utf8JsonWriter w, AlarmSnapshot alarm)
    {
        w.WriteOptionalString("AlarmName", alarm.AlarmName);
        w.WriteOptionalString("AlarmArn", alarm.AlarmArn);
        w.WriteOptionalString("AlarmDescription", alarm.AlarmDescription);
        w.WriteNumber("AlarmConfigurationUpdatedTimestamp", Timestamps.EpochSeconds(alarm.AlarmConfigurationUpdatedTimestamp));
        w.WriteBoolean("ActionsEnabled", alarm.Actions.Enabled);
        Strings(w, "OKActions", alarm.Actions.Ok);
        Strings(w, "AlarmActions", alarm.Actions.Alarm);
        Strings(w, "InsufficientDataActions", alarm.Actions.InsufficientData);
        w.WriteOptionalString("StateValue", alarm.StateValue.ToApiName());
        w.WriteOptionalString("StateReason", alarm.StateReason);
        w.WriteNumber("StateUpdatedTimestamp", Timestamps.EpochSeconds(alarm.StateUpdatedTimestamp));
        w.WriteNumber("StateTransitionedTimestamp", Timestamps.EpochSeconds(alarm.StateUpdatedTimestamp));
    }

    private static void Metric(Utf8JsonWriter w, MetricAlarmDefinition d)
    {
        if (d.Metric is { } metric && d.Statistic is { } statistic)
        {
            CloudWatchJson.WriteMetric(w, metric);
            w.WriteOptionalString(statistic.Percentile is null ? "Statistic" : "ExtendedStatistic", statistic.Name);
            w.WriteNumber("Period", d.Period);
        }

        w.WriteNumber("EvaluationPeriods", d.EvaluationPeriods);
        w.WriteNumber("DatapointsToAlarm", d.DatapointsToAlarm);
        w.WriteNumber("Threshold", d.Threshold);
        w.WriteOptionalString("ComparisonOperator", d.ComparisonOperator.ToString());
        w.WriteOptionalString("TreatMissingData", AlarmNotification.TreatMissingData(d.TreatMissingData));
        if (d.IgnoreLowSampleCountPercentile)
        {
            w.WriteOptionalString("EvaluateLowSampleCountPercentile", "ignore");
        }

        if (d.Metrics.Count == 0)
        {
            return;
        }

        w.WriteStartArray("Metrics");
        foreach (var query in d.Metrics)
        {
            w.WriteStartObject();
            w.WriteOptionalString("Id", query.Id);
            if (query.Expression is { } expression)
            {
                w.WriteOptionalString("Expression", expression.Text);
            }
            else
            {
                w.WriteStartObject("MetricStat");
                w.WriteStartObject("Metric");
                CloudWatchJson.WriteMetric(w, query.Metric!);
                w.WriteEndObject();
                w.WriteNumber("Period", query.Period ?? d.Period);
                w.WriteOptionalString("Stat", query.Stat?.Name);
                w.WriteEndObject();
            }

            w.WriteOptionalString("Label", query.Label);
            w.WriteBoolean("ReturnData", query.ReturnData);
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

    private sealed record Filter(
        IReadOnlyList<string> AlarmNames, string? AlarmNamePrefix, IReadOnlyList<string> AlarmTypes, string? StateValue, string? ActionPrefix, int? MaxRecords, string? NextToken);
}
