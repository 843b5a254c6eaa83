using System.Text;
using System.Text.Json;
using System.Xml;
using Paywatch.Local.Alarms;
using Paywatch.Local.Dashboards;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Api;

/// <summary>
/// CloudWatch's DescribeAlarms over the twin's alarms, in the protocols CloudWatch speaks: AWS JSON 1.0 (target
/// prefix <c>GraniteServiceVersion20100801</c>, and RPC v2 CBOR through <see cref="RpcV2CborEndpoint"/>) and the
/// query protocol (SigV4 service <c>monitoring</c>, XML); and, over JSON 1.0 and CBOR, GetMetricStatistics,
/// GetMetricData, ListMetrics and PutMetricData on the metric store, GetDashboard and ListDashboards, and
/// DescribeAlarmHistory.
/// The output is the MetricAlarms and CompositeAlarms of
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html; without AlarmTypes
/// only metric alarms are returned, as CloudWatch does.
/// </summary>
public sealed class CloudWatchService(
    AlarmScheduler alarms, MetricStore? metrics = null, Func<IReadOnlyList<LocalDashboard>>? dashboards = null, TimeProvider? time = null)
    : IAwsJsonService, IAwsQueryService
{
    // The typed members of CloudWatch's query-protocol requests, and the timestamps of its responses.
    private static readonly QueryProtocolBridge QueryBridge = new(
        new HashSet<string>(StringComparer.Ordinal) { "MaxRecords", "Period", "Value", "Values", "Counts", "StorageResolution", "MaxDatapoints", "SampleCount", "Sum", "Minimum", "Maximum" },
        new HashSet<string>(StringComparer.Ordinal) { "ReturnData", "IncludeLinkedAccounts", "StrictEntityValidation" },
        new HashSet<string>(StringComparer.Ordinal) { "Timestamp", "Timestamps", "LastModified" },
        new HashSet<string>(StringComparer.Ordinal) { "ExtendedStatistics" });

    public string TargetPrefix => "GraniteServiceVersion20100801";

    public string JsonVersion => "1.0";

    public string SigningName => "monitoring";

    public string XmlNamespace => "http://monitoring.amazonaws.com/doc/2010-08-01/";

    public ValueTask<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken)
    {
        using var document = AwsJsonBody.Parse(requestBody);
        var r = document.RootElement;
        var now = (time ?? TimeProvider.System).GetUtcNow();
        byte[]? answer = (operation, metrics, dashboards) switch
        {
            ("GetMetricStatistics", { } store, _) => MetricStatisticsQuery.Run(store, r),
            ("GetMetricData", { } store, _) => GetMetricDataQuery.Run(store, r, alarms.AccountId),
            ("ListMetrics", { } store, _) => ListMetricsQuery.Run(store, r, now, alarms.AccountId),
            ("PutMetricData", { } store, _) => PutMetricDataCommand.Run(store, r, now),
            ("GetDashboard", _, { } list) => DashboardQuery.Get(list(), r, alarms.AccountId),
            ("ListDashboards", _, { } list) => DashboardQuery.List(list(), r, alarms.AccountId),
            ("DescribeAlarmHistory", _, _) => AlarmHistoryQuery.Run(alarms, r),
            _ => null,
        };
        if (answer is not null)
        {
            return ValueTask.FromResult(answer);
        }

        if (operation != "DescribeAlarms")
        {
            throw new AwsServiceException("UnknownOperationException", $"The twin's CloudWatch does not support {operation}.");
        }

        var filter = new Filter(
            AwsJsonBody.Strings(r, "AlarmNames"),
            AwsJsonBody.String(r, "AlarmNamePrefix"),
            AwsJsonBody.Strings(r, "AlarmTypes"),
            AwsJsonBody.String(r, "StateValue"),
            AwsJsonBody.String(r, "ActionPrefix"),
            AwsJsonBody.IntInRange(r, "MaxRecords", 1, 100, "ValidationError"),
            AwsJsonBody.String(r, "NextToken"));
        var (page, next) = Select(filter);
        return ValueTask.FromResult(AwsJsonBody.Write(w => Write(new JsonShapeWriter(w), page, filter, next)));
    }

    public async ValueTask<string> HandleAsync(string action, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (action != "DescribeAlarms")
        {
            // The other operations are written once, for the JSON protocol; the query protocol reaches them through
            // the bridge (CloudWatch's query and JSON protocols share one model).
            try
            {
                var answer = await HandleAsync(action, QueryBridge.ToJson(parameters), cancellationToken).ConfigureAwait(false);
                return QueryBridge.ToXml(action, answer, XmlNamespace);
            }
            catch (AwsServiceException e) when (e.ErrorType == "UnknownOperationException")
            {
                throw new AwsServiceException("InvalidAction", e.Message);
            }
        }

        var filter = new Filter(
            Members(parameters, "AlarmNames"),
            parameters.GetValueOrDefault("AlarmNamePrefix"),
            Members(parameters, "AlarmTypes"),
            parameters.GetValueOrDefault("StateValue"),
            parameters.GetValueOrDefault("ActionPrefix"),
            MaxRecords(parameters.GetValueOrDefault("MaxRecords")),
            parameters.GetValueOrDefault("NextToken"));
        var (page, next) = Select(filter);
        var output = new StringBuilder();
        using (var xml = XmlWriter.Create(output, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            xml.WriteStartElement("DescribeAlarmsResponse", XmlNamespace);
            xml.WriteStartElement("DescribeAlarmsResult");
            Write(new XmlShapeWriter(xml), page, filter, next);
            xml.WriteEndElement();
            xml.WriteStartElement("ResponseMetadata");
            xml.WriteElementString("RequestId", Guid.NewGuid().ToString());
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return output.ToString();
    }

    // MaxRecords is 1-100 and defaults to 50 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html);
    // one page holds the alarms of every requested type, in the order the scheduler lists them.
    private (List<AlarmSnapshot> Page, string? NextToken) Select(Filter filter)
    {
        if (filter.StateValue is { } state && !AlarmStateNames.TryParse(state, out _))
        {
            throw new AwsServiceException("ValidationError", $"1 validation error detected: Value '{state}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]");
        }

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

    private static int? MaxRecords(string? text) =>
        text is null ? null
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 100 ? value
        : throw new AwsServiceException("ValidationError", $"1 validation error detected: Value '{text}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100");

    private static void Write(IShapeWriter w, List<AlarmSnapshot> selected, Filter filter, string? nextToken)
    {
        var types = Types(filter);
        if (types.Contains("CompositeAlarm"))
        {
            w.StartList("CompositeAlarms");
            foreach (var alarm in selected.Where(a => a.CompositeAlarm is not null))
            {
                w.StartStructure(null);
                Common(w, alarm);
                w.String("AlarmRule", alarm.CompositeAlarm!.AlarmRule.Text);
                w.EndStructure();
            }

            w.EndList();
        }

        if (types.Contains("MetricAlarm"))
        {
            w.StartList("MetricAlarms");
            foreach (var alarm in selected.Where(a => a.MetricAlarm is not null))
            {
                w.StartStructure(null);
                Common(w, alarm);
                Metric(w, alarm.MetricAlarm!);
                w.EndStructure();
            }

            w.EndList();
        }

        w.String("NextToken", nextToken);
    }

    private static void Common(IShapeWriter w, AlarmSnapshot alarm)
    {
        w.String("AlarmName", alarm.AlarmName);
        w.String("AlarmArn", alarm.AlarmArn);
        w.String("AlarmDescription", alarm.AlarmDescription);
        w.Timestamp("AlarmConfigurationUpdatedTimestamp", alarm.AlarmConfigurationUpdatedTimestamp);
        w.Boolean("ActionsEnabled", alarm.Actions.Enabled);
        Strings(w, "OKActions", alarm.Actions.Ok);
        Strings(w, "AlarmActions", alarm.Actions.Alarm);
        Strings(w, "InsufficientDataActions", alarm.Actions.InsufficientData);
        w.String("StateValue", alarm.StateValue.ToApiName());
        w.String("StateReason", alarm.StateReason);
        w.Timestamp("StateUpdatedTimestamp", alarm.StateUpdatedTimestamp);
        w.Timestamp("StateTransitionedTimestamp", alarm.StateUpdatedTimestamp);
    }

    private static void Metric(IShapeWriter w, MetricAlarmDefinition d)
    {
        if (d.Metric is { } metric && d.Statistic is { } statistic)
        {
            w.String("MetricName", metric.Name);
            w.String("Namespace", metric.Namespace);
            w.String(statistic.Percentile is null ? "Statistic" : "ExtendedStatistic", statistic.Name);
            Dimensions(w, metric);
            w.Number("Period", d.Period);
        }

        w.Number("EvaluationPeriods", d.EvaluationPeriods);
        w.Number("DatapointsToAlarm", d.DatapointsToAlarm);
        w.Number("Threshold", d.Threshold);
        w.String("ComparisonOperator", d.ComparisonOperator.ToString());
        w.String("TreatMissingData", AlarmNotification.TreatMissingData(d.TreatMissingData));
        if (d.IgnoreLowSampleCountPercentile)
        {
            w.String("EvaluateLowSampleCountPercentile", "ignore");
        }

        if (d.Metrics.Count == 0)
        {
            return;
        }

        w.StartList("Metrics");
        foreach (var query in d.Metrics)
        {
            w.StartStructure(null);
            w.String("Id", query.Id);
            if (query.Expression is { } expression)
            {
                w.String("Expression", expression.Text);
            }
            else
            {
                w.StartStructure("MetricStat");
                w.StartStructure("Metric");
                w.String("Namespace", query.Metric!.Namespace);
                w.String("MetricName", query.Metric.Name);
                Dimensions(w, query.Metric);
                w.EndStructure();
                w.Number("Period", query.Period ?? d.Period);
                w.String("Stat", query.Stat?.Name);
                w.EndStructure();
            }

            w.String("Label", query.Label);
            w.Boolean("ReturnData", query.ReturnData);
            w.EndStructure();
        }

        w.EndList();
    }

    private static void Dimensions(IShapeWriter w, MetricKey metric)
    {
        w.StartList("Dimensions");
        foreach (var (name, value) in metric.Dimensions)
        {
            w.StartStructure(null);
            w.String("Name", name);
            w.String("Value", value);
            w.EndStructure();
        }

        w.EndList();
    }

    private static void Strings(IShapeWriter w, string name, IReadOnlyList<string> values)
    {
        w.StartList(name);
        foreach (var value in values)
        {
            w.StringMember(value);
        }

        w.EndList();
    }

    // Query-protocol lists: AlarmNames.member.1, AlarmNames.member.2, ...
    private static List<string> Members(IReadOnlyDictionary<string, string> parameters, string name)
    {
        var values = new List<string>();
        for (var i = 1; parameters.TryGetValue($"{name}.member.{i}", out var value); i++)
        {
            values.Add(value);
        }

        return values;
    }

    private sealed record Filter(
        IReadOnlyList<string> AlarmNames, string? AlarmNamePrefix, IReadOnlyList<string> AlarmTypes, string? StateValue, string? ActionPrefix, int? MaxRecords, string? NextToken);
}
