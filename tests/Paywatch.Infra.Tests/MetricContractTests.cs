using System.Reflection;
using Paywatch.Core.Telemetry;

namespace Paywatch.Infra.Tests;

/// <summary>
/// Every metric the dashboard or an alarm uses is one the processor emits (namespace, name and one of its
/// dimension sets, docs/telemetry.md) or an AWS metric that exists, with its real dimension.
/// </summary>
public sealed class MetricContractTests
{
    private const string ProcessorNamespace = "Paywatch/Transactions";

    // AWS's own metrics used here, with the dimension that identifies this stack's resource.
    // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
    // https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html (a custom bus's rule: EventBusName and RuleName)
    private static readonly Dictionary<string, (string[] Names, (string Name, string[] Values)[] Dimensions)> AwsMetrics = new(StringComparer.Ordinal)
    {
        ["AWS/Lambda"] = (["Invocations", "Errors", "Throttles", "Duration", "IteratorAge", "ConcurrentExecutions"], [("FunctionName", ["transaction-processor-prod"])]),
        ["AWS/Kinesis"] = (["IncomingRecords", "IncomingBytes", "GetRecords.IteratorAgeMilliseconds", "ReadProvisionedThroughputExceeded", "WriteProvisionedThroughputExceeded"], [("StreamName", ["transaction-stream-prod"])]),
        ["AWS/SQS"] = (["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"], [("QueueName", ["transaction-processor-dlq-prod", "paywatch-routing-dlq-prod"])]),
        ["AWS/Events"] = (["FailedInvocations", "InvocationsSentToDlq"], [("EventBusName", ["paywatch-transactions-prod"]), ("RuleName", RuleNames())]),
    };

    private static string[] RuleNames() => [.. Paywatch.Patterns.RuleDefinition.LoadDirectory(Path.Combine(Repository.Config.Root, "rules")).Select(r => r.Name)];

    private static readonly HashSet<string> ProcessorMetrics = typeof(MetricNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    public static TheoryData<string> Files() => [.. Repository.Config.Dashboard, .. Repository.Config.MetricAlarms];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_metric_is_emitted_by_the_processor_or_is_a_real_aws_metric(string file)
    {
        var metrics = MetricsIn(file);

        Assert.NotEmpty(metrics);
        Assert.All(metrics, m => Assert.Null(Problem(m)));
    }

    [Fact]
    public void The_check_refuses_an_unknown_name_a_wrong_dimension_and_a_foreign_resource()
    {
        Assert.NotNull(Problem(new(ProcessorNamespace, "TransactionsDropped", [("Environment", "prod")])));
        Assert.NotNull(Problem(new(ProcessorNamespace, MetricNames.ProcessingLatency, [("MerchantCountry", "US")])));
        Assert.NotNull(Problem(new("AWS/Lambda", "Errors", [("FunctionName", "someone-else")])));
        Assert.NotNull(Problem(new("AWS/Lambda", "Errorz", [("FunctionName", "transaction-processor-prod")])));
        Assert.NotNull(Problem(new("AWS/Events", "FailedInvocations", [("RuleName", "paywatch-failed")])));
        Assert.NotNull(Problem(new("AWS/Events", "FailedInvocations", [("EventBusName", "paywatch-transactions-prod"), ("RuleName", "someone-else")])));
        Assert.Null(Problem(new("AWS/Events", "FailedInvocations", [("EventBusName", "paywatch-transactions-prod"), ("RuleName", "paywatch-failed")])));
        Assert.Null(Problem(new(ProcessorNamespace, MetricNames.ProcessingLatency, [("Environment", "prod"), ("TransactionType", "PURCHASE")])));
    }

    [Fact]
    public void The_dashboard_shows_the_processor_s_own_metrics_and_each_aws_service()
    {
        var namespaces = MetricsIn(Repository.Config.Dashboard[0]).Select(m => m.Namespace).ToHashSet();

        Assert.Equal([ProcessorNamespace, "AWS/Lambda", "AWS/Kinesis", "AWS/SQS"], namespaces);
    }

    internal sealed record Metric(string Namespace, string Name, (string Name, string Value)[] Dimensions);

    private static string? Problem(Metric metric)
    {
        var dimensions = string.Join(",", metric.Dimensions.Select(d => d.Name));
        if (metric.Namespace == ProcessorNamespace)
        {
            return !ProcessorMetrics.Contains(metric.Name) ? $"{metric.Name} is not emitted by the processor"
                : dimensions is not ("Environment" or "Environment,TransactionType") ? $"{metric.Name} has dimensions [{dimensions}]"
                : metric.Dimensions[0].Value != "prod" ? $"{metric.Name} is for environment {metric.Dimensions[0].Value}"
                : null;
        }

        if (!AwsMetrics.TryGetValue(metric.Namespace, out var aws))
        {
            return $"namespace {metric.Namespace} is neither the processor's nor one used here";
        }

        var identifiesThisStack = metric.Dimensions.Length == aws.Dimensions.Length
            && metric.Dimensions.Zip(aws.Dimensions).All(d => d.First.Name == d.Second.Name && d.Second.Values.Contains(d.First.Value));
        return !aws.Names.Contains(metric.Name) ? $"{metric.Namespace} {metric.Name} is not a metric used here"
            : !identifiesThisStack ? $"{metric.Namespace} {metric.Name} has dimensions [{dimensions}]"
            : null;
    }

    private static List<Metric> MetricsIn(string file)
    {
        var root = JsonDocument.Parse(Repository.Render(file)).RootElement;
        return root.TryGetProperty("widgets", out var widgets) ? [.. DashboardMetrics(widgets)] : [.. AlarmMetrics(root)];
    }

    // A widget's metric: [namespace, name, dimension, value, ..., {options}]; an expression is [{expression}].
    private static IEnumerable<Metric> DashboardMetrics(JsonElement widgets) =>
        from widget in widgets.EnumerateArray()
        where widget.GetProperty("properties").TryGetProperty("metrics", out _)
        from entry in widget.GetProperty("properties").GetProperty("metrics").EnumerateArray()
        let parts = entry.EnumerateArray().TakeWhile(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).ToArray()
        where parts.Length >= 2
        select new Metric(parts[0], parts[1], [.. parts.Skip(2).Chunk(2).Select(d => (d[0], d[1]))]);

    private static IEnumerable<Metric> AlarmMetrics(JsonElement alarm)
    {
        static Metric Read(JsonElement m) => new(
            m.GetProperty("Namespace").GetString()!,
            m.GetProperty("MetricName").GetString()!,
            [.. m.GetProperty("Dimensions").EnumerateArray().Select(d => (d.GetProperty("Name").GetString()!, d.GetProperty("Value").GetString()!))]);

        return alarm.TryGetProperty("Metrics", out var queries)
            ? queries.EnumerateArray().Where(q => q.TryGetProperty("MetricStat", out _)).Select(q => Read(q.GetProperty("MetricStat").GetProperty("Metric")))
            : [Read(alarm)];
    }
}
