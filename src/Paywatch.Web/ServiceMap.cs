using Paywatch.Core.Telemetry;
using Paywatch.Local;
using Paywatch.Local.Telemetry;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Web;

/// <summary>
/// The service map of X-Ray's console for the pipeline: Kinesis → processor → EventBridge → SNS, and processor →
/// SQS for failed batches. Requests and errors are the services' own CloudWatch metrics over the range (what each
/// node did, under AWS's metric names: the processor's are Lambda's Invocations and Errors, throttled attempts being
/// neither); latencies are the processor's spans in the range (invocation and PutEvents),
/// whose percentiles the per-minute metrics cannot merge.
/// </summary>
internal static class ServiceMap
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public static object Build(LocalTwin twin, DateTimeOffset start, DateTimeOffset end)
    {
        var s = twin.Settings;
        var m = twin.Metrics;
        double Sum(string ns, string name, params KeyValuePair<string, string>[] dimensions) => Total(m, new MetricKey(ns, name, dimensions), start, end);
        var stream = new KeyValuePair<string, string>("StreamName", s.StreamName);
        var function = new KeyValuePair<string, string>("FunctionName", s.FunctionName);
        var environment = new KeyValuePair<string, string>(MetricNames.Dimensions.Environment, s.Environment);
        var queue = new KeyValuePair<string, string>("QueueName", s.DeadLetterQueueName);
        var bus = new KeyValuePair<string, string>("EventBusName", s.EventBusName);
        var ruleInvocations = twin.Bus.Rules.Sum(r => Sum("AWS/Events", "Invocations", bus, new("RuleName", r.Name)));
        var ruleFailures = twin.Bus.Rules.Sum(r => Sum("AWS/Events", "FailedInvocations", bus, new("RuleName", r.Name)));
        var published = Sum("Paywatch/Transactions", MetricNames.EventsPublished, environment);
        var publishFailures = Sum("Paywatch/Transactions", MetricNames.PublishFailures, environment);
        var deadLetters = Sum("AWS/SQS", "NumberOfMessagesSent", queue);
        var invocations = Latencies(twin.Traces.Spans(ProcessorTelemetry.Spans.Batch, start, end));
        var putEvents = Latencies(twin.Traces.Spans(ProcessorTelemetry.Spans.Publish, start, end));
        var putRecordsLatency = Average(m, new MetricKey("AWS/Kinesis", "PutRecords.Latency", [stream]), start, end)
            ?? Average(m, new MetricKey("AWS/Kinesis", "PutRecord.Latency", [stream]), start, end);

        return new
        {
            start,
            end,
            nodes = new object[]
            {
                Node("kinesis", s.StreamName, "AWS::Kinesis::Stream", Sum("AWS/Kinesis", "IncomingRecords", stream), Sum("AWS/Kinesis", "WriteProvisionedThroughputExceeded", stream), putRecordsLatency, null),
                Node("processor", s.FunctionName, "AWS::Lambda::Function", Sum("AWS/Lambda", "Invocations", function), Sum("AWS/Lambda", "Errors", function), Mean(invocations), P99(invocations)),
                Node("eventbridge", s.EventBusName, "AWS::Events::EventBus", published, publishFailures, Mean(putEvents), P99(putEvents)),
                Node("sns", s.TopicName, "AWS::SNS::Topic", ruleInvocations, ruleFailures, null, null),
                Node("sqs", s.DeadLetterQueueName, "AWS::SQS::Queue", deadLetters, 0, null, null),
            },
            edges = new object[]
            {
                // Counted in transactions, not invocations: a transaction the processor errors (a bad record) is
                // reported in a batch that succeeds, so the edge has errors while both nodes have none. Said where drawn.
                new
                {
                    from = "kinesis",
                    to = "processor",
                    requests = Sum("Paywatch/Transactions", MetricNames.TransactionsProcessed, environment),
                    errors = Sum("Paywatch/Transactions", MetricNames.TransactionsErrored, environment),
                    unit = "tx",
                    errorsMeaning = "transactions the processor errored (TransactionsErrored: records it could not read; their invocations succeeded, so the nodes show no errors)",
                },
                Edge("processor", "eventbridge", published, publishFailures),
                Edge("eventbridge", "sns", ruleInvocations, ruleFailures),
                Edge("processor", "sqs", deadLetters, 0),
            },
        };
    }

    private static object Node(string id, string name, string type, double requests, double errors, double? latencyAvgMs, double? latencyP99Ms) =>
        new { id, name, type, requests, errors, latencyAvgMs, latencyP99Ms };

    private static object Edge(string from, string to, double requests, double errors) => new { from, to, requests, errors };

    private static double Total(MetricStore store, MetricKey key, DateTimeOffset start, DateTimeOffset end) =>
        store.GetStatistics(key, start, end, Minute, Statistic.Sum).Sum(p => p.Value);

    // The mean over the range, each minute weighted by its samples.
    private static double? Average(MetricStore store, MetricKey key, DateTimeOffset start, DateTimeOffset end)
    {
        var points = store.GetStatistics(key, start, end, Minute, Statistic.Average);
        var samples = points.Sum(p => p.SampleCount);
        return samples == 0 ? null : points.Sum(p => p.Value * p.SampleCount) / samples;
    }

    private static double[] Latencies(IReadOnlyList<SpanRecord> spans) => [.. spans.Select(x => x.Duration.TotalMilliseconds).Order()];

    private static double? Mean(double[] sorted) => sorted.Length == 0 ? null : sorted.Average();

    // Nearest rank, as X-Ray's response-time distribution reports percentiles.
    private static double? P99(double[] sorted) => sorted.Length == 0 ? null : sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1];
}
