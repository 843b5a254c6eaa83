using System.Globalization;
using System.Text.Json;

namespace Paywatch.Cli.Verify;

/// <summary>
/// What a deployment must be before a record can flow: the stream ACTIVE with its shards, the event source mapping
/// Enabled with infra/'s settings, the topic's subscriptions confirmed, every routing rule ENABLED and targeting the
/// topic, and no alarm in ALARM.
/// </summary>
internal static class DeploymentChecks
{
    public const string Stream = "stream";
    public const string EventSourceMapping = "event-source-mapping";
    public const string Subscriptions = "subscriptions";
    public const string RoutingRules = "routing-rules";
    public const string Alarms = "alarms";

    /// <summary>Lambda's transitional states: the mapping will be Enabled (or Disabled) shortly (API_EventSourceMappingConfiguration.html).</summary>
    private static readonly HashSet<string> TransitionalStates = new(StringComparer.Ordinal) { "Creating", "Enabling", "Updating" };

    /// <summary>
    /// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_StreamDescriptionSummary.html: ACTIVE (readable and
    /// writable; UPDATING is too, while resharding, but its shard count is not settled) and the open shards expected.
    /// </summary>
    /// <returns>The check, and the stream's ARN when it exists.</returns>
    public static async Task<(CheckResult Check, string? StreamArn)> StreamAsync(AwsApis apis, VerifyTarget target, CancellationToken cancellationToken)
    {
        var summary = await apis.DescribeStreamSummaryAsync(target.StreamName, cancellationToken).ConfigureAwait(false);
        var status = summary.GetProperty("StreamStatus").GetString();
        var shards = summary.TryGetProperty("OpenShardCount", out var open) ? open.GetInt32() : -1;
        var arn = summary.GetProperty("StreamARN").GetString();
        var name = $"stream {target.StreamName}";
        if (status != "ACTIVE")
        {
            return (CheckResult.Fail(Stream, $"{name} is {status}, not ACTIVE"), arn);
        }

        return target.ShardCount is { } expected && shards != expected
            ? (CheckResult.Fail(Stream, $"{name} has {shards} open shards, Terraform's kinesis_shard_count is {expected} (a reshard not finished, or a change made outside Terraform)"), arn)
            : (CheckResult.Pass(Stream, $"{name}: ACTIVE, {shards} open shards"), arn);
    }

    /// <summary>
    /// The mapping from the stream to the function (API_EventSourceMappingConfiguration.html): Enabled, reporting batch
    /// item failures, bisecting on error, with an on-failure destination, its last result not a PROBLEM, and the settings
    /// Terraform gave it.
    /// </summary>
    /// <returns>The check, and the mapping's State (null when there is no mapping).</returns>
    public static async Task<(CheckResult Check, string? State)> EventSourceMappingAsync(AwsApis apis, VerifyTarget target, string streamArn, CancellationToken cancellationToken)
    {
        var mappings = await apis.ListEventSourceMappingsAsync(target.FunctionName, streamArn, cancellationToken).ConfigureAwait(false);
        if (mappings.Count == 0)
        {
            return (CheckResult.Fail(EventSourceMapping, $"no event source mapping from {target.StreamName} to {target.FunctionName}: nothing reads the stream"), null);
        }

        var mapping = mappings[0];
        var state = Text(mapping, "State") ?? "";
        var problems = new List<string>();
        if (state != "Enabled")
        {
            problems.Add(TransitionalStates.Contains(state) ? $"it is {state}, not yet Enabled" : $"it is {state}, not Enabled: records are not read ({Text(mapping, "StateTransitionReason")})");
        }

        if (!(mapping.TryGetProperty("FunctionResponseTypes", out var types) && types.EnumerateArray().Any(t => t.GetString() == "ReportBatchItemFailures")))
        {
            problems.Add("FunctionResponseTypes lacks ReportBatchItemFailures: a refused publish would retry the whole batch");
        }

        if (!(mapping.TryGetProperty("BisectBatchOnFunctionError", out var bisect) && bisect.ValueKind == JsonValueKind.True))
        {
            problems.Add("BisectBatchOnFunctionError is off");
        }

        if (!(mapping.TryGetProperty("DestinationConfig", out var destination) && destination.TryGetProperty("OnFailure", out var onFailure)
            && Text(onFailure, "Destination") is { Length: > 0 }))
        {
            problems.Add("no on-failure destination: batches that exhaust their retries would be lost");
        }

        if (Text(mapping, "LastProcessingResult") is { } last && last.StartsWith("PROBLEM", StringComparison.Ordinal))
        {
            problems.Add($"LastProcessingResult is '{last}'");
        }

        if (target.Mapping is { } expected)
        {
            foreach (var (setting, want) in new[]
            {
                ("BatchSize", expected.BatchSize), ("ParallelizationFactor", expected.ParallelizationFactor),
                ("MaximumBatchingWindowInSeconds", expected.MaximumBatchingWindowInSeconds), ("TumblingWindowInSeconds", expected.TumblingWindowInSeconds),
            })
            {
                var have = mapping.TryGetProperty(setting, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
                if (have != want)
                {
                    problems.Add($"{setting} is {have}, Terraform's is {want}");
                }
            }
        }

        var uuid = Text(mapping, "UUID");
        return problems.Count == 0
            ? (CheckResult.Pass(EventSourceMapping, $"mapping {uuid}: Enabled, BatchSize {Number(mapping, "BatchSize")}, ParallelizationFactor {Number(mapping, "ParallelizationFactor")}, TumblingWindowInSeconds {Number(mapping, "TumblingWindowInSeconds")}, ReportBatchItemFailures, on-failure destination set"), state)
            : (CheckResult.Fail(EventSourceMapping, $"mapping {uuid}: {string.Join("; ", problems)}"), state);
    }

    /// <summary>Whether a mapping in this state becomes Enabled or Disabled by itself soon.</summary>
    public static bool IsTransitional(string? state) => state is not null && TransitionalStates.Contains(state);

    /// <summary>
    /// The topic's subscriptions: at least one, none pending. SNS lists an unconfirmed subscription with the ARN
    /// <c>PendingConfirmation</c> (https://docs.aws.amazon.com/sns/latest/api/API_Subscription.html), and delivers nothing to it.
    /// </summary>
    public static async Task<CheckResult> SubscriptionsAsync(AwsApis apis, VerifyTarget target, CancellationToken cancellationToken)
    {
        var subscriptions = await apis.ListSubscriptionsByTopicAsync(target.TopicArn, cancellationToken).ConfigureAwait(false);
        var pending = subscriptions.Where(s => !s.SubscriptionArn.StartsWith("arn:", StringComparison.Ordinal)).ToList();
        var confirmed = subscriptions.Count - pending.Count;
        if (confirmed == 0)
        {
            return CheckResult.Fail(Subscriptions, subscriptions.Count == 0
                ? $"topic {target.TopicName} has no subscription: alerts reach no one"
                : $"topic {target.TopicName} has no confirmed subscription ({pending.Count} {pending[0].SubscriptionArn}: follow the link in the confirmation email)");
        }

        var protocols = string.Join(", ", subscriptions.Select(s => s.Protocol).Distinct(StringComparer.Ordinal));
        return pending.Count > 0
            ? CheckResult.Fail(Subscriptions, $"topic {target.TopicName}: {confirmed} confirmed, {pending.Count} still {pending[0].SubscriptionArn} (follow the link in the confirmation email)")
            : CheckResult.Pass(Subscriptions, $"topic {target.TopicName}: {confirmed} confirmed ({protocols})");
    }

    /// <summary>Every expected rule on the bus, ENABLED, with the topic among its targets.</summary>
    public static async Task<CheckResult> RoutingRulesAsync(AwsApis apis, VerifyTarget target, CancellationToken cancellationToken)
    {
        var rules = await apis.ListRulesAsync(target.EventBusName, cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        foreach (var name in target.RuleNames)
        {
            if (!rules.TryGetValue(name, out var state))
            {
                problems.Add($"{name} is not on bus {target.EventBusName}");
                continue;
            }

            if (state != "ENABLED")
            {
                problems.Add($"{name} is {state}");
            }

            var targets = await apis.ListTargetArnsAsync(target.EventBusName, name, cancellationToken).ConfigureAwait(false);
            if (!targets.Contains(target.TopicArn, StringComparer.Ordinal))
            {
                problems.Add($"{name} does not target topic {target.TopicName}");
            }
        }

        return problems.Count == 0
            ? CheckResult.Pass(RoutingRules, $"{target.RuleNames.Count} rules on {target.EventBusName}: ENABLED, each targeting {target.TopicName}")
            : CheckResult.Fail(RoutingRules, string.Join("; ", problems));
    }

    /// <summary>The deployment's alarms: at least one found, none in ALARM (INSUFFICIENT_DATA is a quiet stack's normal state).</summary>
    public static async Task<CheckResult> AlarmsAsync(AwsApis apis, VerifyTarget target, CancellationToken cancellationToken)
    {
        var suffix = "-" + target.Environment;
        var alarms = (await apis.DescribeAlarmsAsync("paywatch-", cancellationToken).ConfigureAwait(false))
            .Where(a => target.AlarmNames?.Contains(a.AlarmName, StringComparer.Ordinal) ?? a.AlarmName.EndsWith(suffix, StringComparison.Ordinal))
            .ToList();
        if (alarms.Count == 0)
        {
            return CheckResult.Fail(Alarms, $"no paywatch-*{suffix} alarm found: the stack watches nothing");
        }

        var missing = target.AlarmNames?.Except(alarms.Select(a => a.AlarmName), StringComparer.Ordinal).ToList() ?? [];
        var firing = alarms.Where(a => a.StateValue == "ALARM").Select(a => a.AlarmName).ToList();
        if (firing.Count > 0 || missing.Count > 0)
        {
            var reasons = new List<string>();
            if (firing.Count > 0)
            {
                reasons.Add($"in ALARM: {string.Join(", ", firing)}");
            }

            if (missing.Count > 0)
            {
                reasons.Add($"missing: {string.Join(", ", missing)}");
            }

            return CheckResult.Fail(Alarms, string.Join("; ", reasons));
        }

        var byState = alarms.GroupBy(a => a.StateValue, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)} {g.Key}");
        return CheckResult.Pass(Alarms, $"{alarms.Count} alarms, none in ALARM ({string.Join(", ", byState)})");
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetRawText() : "?";
}
