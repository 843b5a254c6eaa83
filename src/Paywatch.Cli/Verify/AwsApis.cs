using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Paywatch.Aws.Endpoints;
using Paywatch.Aws.Json11;
using Paywatch.Aws.Query;
using Paywatch.Aws.RestJson;
using Paywatch.Aws.Signing;

namespace Paywatch.Cli.Verify;

/// <summary>
/// The AWS calls <c>paywatch verify</c> makes, each one the local twin serves too (docs/local-twin.md): Kinesis,
/// EventBridge and CloudWatch Logs over JSON 1.1, SNS and CloudWatch over the query protocol, Lambda and X-Ray over
/// restJson. Throttling and transient errors are retried a few times; any other error is thrown as
/// <see cref="AwsRequestException"/> naming the operation.
/// </summary>
internal sealed class AwsApis
{
    private const int MaxAttempts = 3;

    private readonly AwsJsonClient _kinesis;
    private readonly AwsJsonClient _events;
    private readonly AwsJsonClient _logs;
    private readonly AwsQueryClient _sns;
    private readonly AwsQueryClient _cloudWatch;
    private readonly AwsRestJsonClient _lambda;
    private readonly AwsRestJsonClient _xRay;
    private readonly TimeProvider _time;

    private AwsApis(HttpClient http, AwsCredentials credentials, string region, Uri? endpoint, TimeProvider time)
    {
        _time = time;
        SigV4Signer Signer(string service) => new(credentials, region, service);
        Uri Resolve(string serviceId, string prefix) => endpoint ?? AwsEndpointResolver.Resolve(serviceId, prefix, region);
        _kinesis = new AwsJsonClient(http, Signer("kinesis"), Resolve("Kinesis", "kinesis"), "Kinesis_20131202", time);
        _events = new AwsJsonClient(http, Signer("events"), Resolve("EventBridge", "events"), "AWSEvents", time);
        _logs = new AwsJsonClient(http, Signer("logs"), Resolve("CloudWatch Logs", "logs"), "Logs_20140328", time);
        _sns = new AwsQueryClient(http, Signer("sns"), Resolve("SNS", "sns"), "2010-03-31", time);
        _cloudWatch = new AwsQueryClient(http, Signer("monitoring"), Resolve("CloudWatch", "monitoring"), "2010-08-01", time);
        _lambda = new AwsRestJsonClient(http, Signer("lambda"), Resolve("Lambda", "lambda"), time);
        _xRay = new AwsRestJsonClient(http, Signer("xray"), Resolve("XRay", "xray"), time);
    }

    /// <summary>The client PutRecords goes through.</summary>
    public AwsJsonClient Kinesis => _kinesis;

    /// <param name="endpoint">One endpoint for every service (the twin's), or null for each service's own in the region (or the environment's).</param>
    /// <exception cref="InvalidOperationException">An <c>AWS_ENDPOINT_URL_*</c> variable is not a URL.</exception>
    public static AwsApis Create(HttpClient http, AwsCredentials credentials, string region, Uri? endpoint, TimeProvider time) =>
        new(http, credentials, region, endpoint, time);

    /// <summary>https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html: the StreamDescriptionSummary.</summary>
    public async Task<JsonElement> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken)
    {
        var response = await JsonAsync(_kinesis, "DescribeStreamSummary", w => w.WriteString("StreamName", streamName), cancellationToken).ConfigureAwait(false);
        return response.GetProperty("StreamDescriptionSummary");
    }

    /// <summary>https://docs.aws.amazon.com/lambda/latest/api/API_ListEventSourceMappings.html, for one function and stream.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListEventSourceMappingsAsync(string functionName, string eventSourceArn, CancellationToken cancellationToken)
    {
        var mappings = new List<JsonElement>();
        string? marker = null;
        do
        {
            List<KeyValuePair<string, string>> query = [new("FunctionName", functionName), new("EventSourceArn", eventSourceArn)];
            if (marker is not null)
            {
                query.Add(new("Marker", marker));
            }

            var page = Parse(await RetryAsync("ListEventSourceMappings", () => _lambda.GetAsync("/2015-03-31/event-source-mappings", query, cancellationToken), cancellationToken).ConfigureAwait(false));
            mappings.AddRange(page.GetProperty("EventSourceMappings").EnumerateArray());
            marker = page.TryGetProperty("NextMarker", out var next) ? next.GetString() : null;
        }
        while (!string.IsNullOrEmpty(marker));

        return mappings;
    }

    /// <summary>https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html: each subscription's ARN and protocol, every page.</summary>
    public async Task<IReadOnlyList<(string SubscriptionArn, string Protocol)>> ListSubscriptionsByTopicAsync(string topicArn, CancellationToken cancellationToken)
    {
        var subscriptions = new List<(string, string)>();
        await foreach (var result in QueryPagesAsync(_sns, "ListSubscriptionsByTopic", [new("TopicArn", topicArn)], cancellationToken).ConfigureAwait(false))
        {
            subscriptions.AddRange(AwsQueryResponse.Descendants(result, "member")
                .Select(m => (AwsQueryResponse.Child(m, "SubscriptionArn") ?? "", AwsQueryResponse.Child(m, "Protocol") ?? "")));
        }

        return subscriptions;
    }

    /// <summary>https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html: each rule's name and state on the bus.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ListRulesAsync(string eventBusName, CancellationToken cancellationToken)
    {
        var rules = new Dictionary<string, string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await JsonAsync(_events, "ListRules", w =>
            {
                w.WriteString("EventBusName", eventBusName);
                if (token is not null)
                {
                    w.WriteString("NextToken", token);
                }
            }, cancellationToken).ConfigureAwait(false);
            foreach (var rule in page.GetProperty("Rules").EnumerateArray())
            {
                rules[rule.GetProperty("Name").GetString()!] = rule.TryGetProperty("State", out var state) ? state.GetString() ?? "" : "";
            }

            token = page.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
        }
        while (!string.IsNullOrEmpty(token));

        return rules;
    }

    /// <summary>https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListTargetsByRule.html: the targets' ARNs.</summary>
    public async Task<IReadOnlyList<string>> ListTargetArnsAsync(string eventBusName, string ruleName, CancellationToken cancellationToken)
    {
        var page = await JsonAsync(_events, "ListTargetsByRule", w =>
        {
            w.WriteString("Rule", ruleName);
            w.WriteString("EventBusName", eventBusName);
        }, cancellationToken).ConfigureAwait(false);
        return [.. page.GetProperty("Targets").EnumerateArray().Select(t => t.GetProperty("Arn").GetString() ?? "")];
    }

    /// <summary>
    /// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html: the metric and composite
    /// alarms whose names start with <paramref name="prefix"/>, with their state, every page.
    /// </summary>
    public async Task<IReadOnlyList<(string AlarmName, string StateValue)>> DescribeAlarmsAsync(string prefix, CancellationToken cancellationToken)
    {
        var alarms = new List<(string, string)>();
        IEnumerable<KeyValuePair<string, string>> parameters =
            [new("AlarmNamePrefix", prefix), .. AwsQueryClient.ListMembers("AlarmTypes", ["CompositeAlarm", "MetricAlarm"])];
        await foreach (var result in QueryPagesAsync(_cloudWatch, "DescribeAlarms", parameters, cancellationToken).ConfigureAwait(false))
        {
            alarms.AddRange(AwsQueryResponse.Descendants(result, "member")
                .Where(m => AwsQueryResponse.Child(m, "AlarmName") is not null && AwsQueryResponse.Child(m, "StateValue") is not null)
                .Select(m => (AwsQueryResponse.Child(m, "AlarmName")!, AwsQueryResponse.Child(m, "StateValue")!)));
        }

        return alarms;
    }

    /// <summary>
    /// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html: the metric's Sum over
    /// [<paramref name="start"/>, <paramref name="end"/>) in one-minute periods, added up (0 when it has no datapoints).
    /// </summary>
    public async Task<double> GetMetricSumAsync(
        string metricNamespace, string metricName, IReadOnlyList<KeyValuePair<string, string>> dimensions, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> parameters =
        [
            new("Namespace", metricNamespace), new("MetricName", metricName),
            new("StartTime", start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            new("EndTime", end.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            new("Period", "60"), new("Statistics.member.1", "Sum"),
        ];
        for (var i = 0; i < dimensions.Count; i++)
        {
            parameters.Add(new($"Dimensions.member.{i + 1}.Name", dimensions[i].Key));
            parameters.Add(new($"Dimensions.member.{i + 1}.Value", dimensions[i].Value));
        }

        var result = await QueryAsync(_cloudWatch, "GetMetricStatistics", parameters, cancellationToken).ConfigureAwait(false);
        return AwsQueryResponse.Descendants(result, "Sum").Sum(e => double.Parse(e.Value, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html: the messages of the
    /// group's events from <paramref name="startTime"/> on that match <paramref name="filterPattern"/>, every page.
    /// </summary>
    public async Task<IReadOnlyList<string>> FilterLogEventsAsync(string logGroupName, string filterPattern, DateTimeOffset startTime, CancellationToken cancellationToken)
    {
        var messages = new List<string>();
        string? token = null;
        do
        {
            var page = await JsonAsync(_logs, "FilterLogEvents", w =>
            {
                w.WriteString("logGroupName", logGroupName);
                w.WriteString("filterPattern", filterPattern);
                w.WriteNumber("startTime", startTime.ToUnixTimeMilliseconds());
                if (token is not null)
                {
                    w.WriteString("nextToken", token);
                }
            }, cancellationToken).ConfigureAwait(false);
            messages.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("message").GetString() ?? ""));
            token = page.TryGetProperty("nextToken", out var next) ? next.GetString() : null;
        }
        while (!string.IsNullOrEmpty(token));

        return messages;
    }

    /// <summary>https://docs.aws.amazon.com/xray/latest/api/API_BatchGetTraces.html: which of the ids X-Ray has a trace for (5 to a request).</summary>
    public async Task<IReadOnlySet<string>> BatchGetTracesAsync(IReadOnlyList<string> traceIds, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in traceIds.Chunk(5))
        {
            string? token = null;
            do
            {
                var body = Write(w =>
                {
                    w.WriteStartArray("TraceIds");
                    foreach (var id in chunk)
                    {
                        w.WriteStringValue(id);
                    }

                    w.WriteEndArray();
                    if (token is not null)
                    {
                        w.WriteString("NextToken", token);
                    }
                });
                var page = Parse(await RetryAsync("BatchGetTraces", () => _xRay.PostAsync("/Traces", body, cancellationToken), cancellationToken).ConfigureAwait(false));
                found.UnionWith(page.GetProperty("Traces").EnumerateArray().Select(t => t.GetProperty("Id").GetString() ?? ""));
                token = page.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return found;
    }

    private async Task<JsonElement> JsonAsync(AwsJsonClient client, string operation, Action<Utf8JsonWriter> writeMembers, CancellationToken cancellationToken)
    {
        var body = Write(writeMembers);
        return Parse(await RetryAsync(operation, () => client.SendAsync(operation, body, cancellationToken), cancellationToken).ConfigureAwait(false));
    }

    private async Task<XElement> QueryAsync(AwsQueryClient client, string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await client.SendAsync(action, parameters, cancellationToken).ConfigureAwait(false);
            if (response.Error is not { } error)
            {
                return response.Result!;
            }

            await BackOffOrThrowAsync(action, error, attempt, cancellationToken).ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<XElement> QueryPagesAsync(
        AwsQueryClient client, string action, IEnumerable<KeyValuePair<string, string>> parameters, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var result = await QueryAsync(client, action, token is null ? parameters : parameters.Append(new("NextToken", token)), cancellationToken).ConfigureAwait(false);
            yield return result;
            token = AwsQueryResponse.Child(result, "NextToken");
        }
        while (!string.IsNullOrEmpty(token));
    }

    private async Task<byte[]> RetryAsync(string operation, Func<Task<AwsJsonResponse>> send, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send().ConfigureAwait(false);
            if (response.Error is not { } error)
            {
                return response.Body;
            }

            await BackOffOrThrowAsync(operation, error, attempt, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task BackOffOrThrowAsync(string operation, AwsJsonError error, int attempt, CancellationToken cancellationToken) =>
        error.IsRetryable && attempt < MaxAttempts
            ? Task.Delay(RetryBackoff.Delay(attempt, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), Random.Shared.NextDouble()), _time, cancellationToken)
            : throw new AwsRequestException(error.Type, $"{error.Message} ({operation})", error.StatusCode);

    private static JsonElement Parse(byte[] body) => JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body).RootElement.Clone();

    private static byte[] Write(Action<Utf8JsonWriter> writeMembers)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
