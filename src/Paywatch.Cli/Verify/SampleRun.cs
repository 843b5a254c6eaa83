using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Aws.Kinesis;

namespace Paywatch.Cli.Verify;

/// <summary>
/// Sends the spec's samples under fresh ids and watches them through the deployment, polling until each check holds,
/// fails for good, or the deadline passes: processed (its log line, with the status and rule expected), routed (the
/// rule's AWS/Events Invocations, no FailedInvocations), delivered (the topic's AWS/SNS NumberOfNotificationsDelivered,
/// none failed) and traced (the log lines' trace ids in X-Ray).
/// </summary>
internal sealed class SampleRun(AwsApis apis, VerifyTarget target, TimeProvider time, TimeSpan pollInterval)
{
    public const string Sent = "samples-sent";
    public const string Delivered = "delivered";
    public const string Traced = "traced";

    public static string Processed(string transactionId) => $"processed:{transactionId}";

    public static string Routed(string rule) => $"routed:{rule}";

    public async Task<IReadOnlyList<CheckResult>> RunAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var runId = Guid.NewGuid().ToString("N")[..12];
        var samples = SampleRecord.ForRun(runId);
        var sentAt = time.GetUtcNow();
        var sender = new KinesisPutRecordsClient(apis.Kinesis, target.StreamName, time);
        var outcome = await sender.PutRecordsAsync(
            [.. samples.Select(s => new KinesisRecord(Encoding.UTF8.GetBytes(s.Json), s.TransactionId))], cancellationToken).ConfigureAwait(false);
        if (outcome.Failed.Count > 0)
        {
            return [CheckResult.Fail(Sent, $"{target.StreamName} refused {outcome.Failed.Count} of {samples.Count} records ({outcome.Failed[0].ErrorCode})")];
        }

        var sent = CheckResult.Pass(Sent, $"{samples.Count} records on {target.StreamName} as verify-{runId}-001 to -003");
        var rules = samples.Select(s => s.ExpectedRule).OfType<string>().ToList();
        while (true)
        {
            var observed = await ObserveAsync(samples, rules, sentAt, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            if (observed.All(o => o.Settled) || now >= deadline)
            {
                var waited = (now - sentAt).TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
                return [sent, .. observed.Select(o => o.Settled ? o.Result : o.Result with { Detail = $"{o.Result.Detail} (waited {waited} s)" })];
            }

            await Task.Delay(pollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<Observation>> ObserveAsync(IReadOnlyList<SampleRecord> samples, List<string> rules, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        var observed = new List<Observation>();
        var lines = await LogLinesAsync(samples, sentAt, cancellationToken).ConfigureAwait(false);
        foreach (var sample in samples)
        {
            observed.Add(Processing(sample, lines.TryGetValue(sample.TransactionId, out var line) ? line : null));
        }

        // Metrics are per minute: from the minute the samples were sent to the one after now (other traffic in that
        // window counts too: docs/verify.md says what that cannot prove).
        var from = new DateTimeOffset(sentAt.Ticks - (sentAt.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var to = time.GetUtcNow().AddMinutes(1);
        foreach (var rule in rules)
        {
            observed.Add(await RoutingAsync(rule, from, to, cancellationToken).ConfigureAwait(false));
        }

        observed.Add(await DeliveryAsync(rules.Count, from, to, cancellationToken).ConfigureAwait(false));
        observed.Add(await TracingAsync(samples, lines, cancellationToken).ConfigureAwait(false));
        return observed;
    }

    /// <summary>The first log line of each sample (at least once: a redelivered record logs again).</summary>
    private async Task<Dictionary<string, JsonElement>> LogLinesAsync(IReadOnlyList<SampleRecord> samples, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        // Any of the ids, each a quoted term (it has hyphens) as a whole (FilterAndPatternSyntax.html: "?term" terms, any one
        // of which must occur); a minute's margin before the send covers clock skew.
        var pattern = string.Join(' ', samples.Select(s => $"?\"{s.TransactionId}\""));
        var lines = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var message in await apis.FilterLogEventsAsync(target.LogGroupName, pattern, sentAt.AddMinutes(-1), cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var line = JsonDocument.Parse(message).RootElement;
                if (line.TryGetProperty("transaction_id", out var id) && id.GetString() is { } transactionId && samples.Any(s => s.TransactionId == transactionId))
                {
                    lines.TryAdd(transactionId, line.Clone());
                }
            }
            catch (JsonException)
            {
                // Not one of the processor's JSON lines (Lambda's own START/END/REPORT lines do not carry the id anyway).
            }
        }

        return lines;
    }

    private Observation Processing(SampleRecord sample, JsonElement? line)
    {
        var check = Processed(sample.TransactionId);
        if (line is not { } found)
        {
            return new(CheckResult.Fail(check, $"no log line in {target.LogGroupName}: the record was not processed (is the mapping polling? it starts at LATEST)"), false);
        }

        var status = found.TryGetProperty("status", out var s) ? s.GetString() : null;
        var matched = found.TryGetProperty("matched_rules", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Select(r => r.GetString() ?? "").ToList()
            : [];
        var shown = matched.Count == 0 ? "no rule" : string.Join(", ", matched);
        if (status != sample.ExpectedStatus)
        {
            return new(CheckResult.Fail(check, $"processed as {status}, the spec says {sample.ExpectedStatus}"), true);
        }

        if (sample.ExpectedRule is { } rule && !matched.Contains(rule, StringComparer.Ordinal))
        {
            return new(CheckResult.Fail(check, $"{status}, but matched {shown}, not {rule}: the rule is disabled, or this window's alerts of its kind were already sent (docs/alerting.md)"), true);
        }

        return new(CheckResult.Pass(check, $"{status}, matched {shown}"), true);
    }

    private async Task<Observation> RoutingAsync(string rule, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> dimensions = [new("EventBusName", target.EventBusName), new("RuleName", rule)];
        var invocations = await apis.GetMetricSumAsync("AWS/Events", "Invocations", dimensions, from, to, cancellationToken).ConfigureAwait(false);
        var failed = await apis.GetMetricSumAsync("AWS/Events", "FailedInvocations", dimensions, from, to, cancellationToken).ConfigureAwait(false);
        var seen = $"AWS/Events Invocations {invocations:0}, FailedInvocations {failed:0} since {from:HH:mm} UTC";
        return failed > 0 ? new(CheckResult.Fail(Routed(rule), $"{seen}: the target refused the event (topic policy, key policy?)"), true)
            : invocations >= 1 ? new(CheckResult.Pass(Routed(rule), seen), true)
            : new(CheckResult.Fail(Routed(rule), $"{seen}: the rule has not invoked its target"), false);
    }

    private async Task<Observation> DeliveryAsync(int expected, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> dimensions = [new("TopicName", target.TopicName)];
        var delivered = await apis.GetMetricSumAsync("AWS/SNS", "NumberOfNotificationsDelivered", dimensions, from, to, cancellationToken).ConfigureAwait(false);
        var failed = await apis.GetMetricSumAsync("AWS/SNS", "NumberOfNotificationsFailed", dimensions, from, to, cancellationToken).ConfigureAwait(false);
        var seen = $"{target.TopicName}: AWS/SNS NumberOfNotificationsDelivered {delivered:0}, NumberOfNotificationsFailed {failed:0} since {from:HH:mm} UTC";
        return failed > 0 ? new(CheckResult.Fail(Delivered, $"{seen}: a subscription refused a notification"), true)
            : delivered >= expected ? new(CheckResult.Pass(Delivered, seen), true)
            : new(CheckResult.Fail(Delivered, $"{seen}, {expected} expected: the notifications reached no subscriber"), false);
    }

    private async Task<Observation> TracingAsync(IReadOnlyList<SampleRecord> samples, Dictionary<string, JsonElement> lines, CancellationToken cancellationToken)
    {
        if (lines.Count < samples.Count)
        {
            return new(CheckResult.Fail(Traced, "waiting for every sample's log line (its trace_id)"), false);
        }

        var ids = lines.Values.Select(l => l.TryGetProperty("trace_id", out var id) ? id.GetString() ?? "" : "").ToList();
        if (ids.Any(string.IsNullOrEmpty))
        {
            return new(CheckResult.Fail(Traced, "a sample's log line has no trace_id: tracing is off (PAYWATCH_TRACE_MODE) or Lambda's active tracing is not enabled"), true);
        }

        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var found = await apis.BatchGetTracesAsync(distinct, cancellationToken).ConfigureAwait(false);
        var missing = distinct.Where(id => !found.Contains(id)).ToList();
        return missing.Count == 0
            ? new(CheckResult.Pass(Traced, $"X-Ray has {string.Join(", ", distinct)}"), true)
            : new(CheckResult.Fail(Traced, $"X-Ray has no trace {string.Join(", ", missing)} yet"), false);
    }

    /// <summary>A check as last seen, and whether it is settled (passed, or failed for good) or may still change.</summary>
    private sealed record Observation(CheckResult Result, bool Settled);
}
