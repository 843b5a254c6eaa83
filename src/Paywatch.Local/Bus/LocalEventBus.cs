using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Core.Routing;
using Paywatch.Local.Notifications;
using Paywatch.Monitoring.Metrics;
using Paywatch.Patterns;

namespace Paywatch.Local.Bus;

/// <summary>
/// The twin's custom event bus (<c>paywatch-transactions-local</c>) with the rules of <c>config/rules</c>. Each
/// PutEvents entry becomes the event EventBridge would deliver (version, id, detail-type, source, account, time,
/// region, resources, detail: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html), is
/// matched against the enabled rules, and goes to each matched rule's target, the alerts topic, through the input
/// transformer infra/eventbridge.tf configures. Thread-safe: the processor's shard pollers publish concurrently.
/// </summary>
/// <remarks>
/// The events are built only for the rules that match: when the rules test nothing but source, detail-type and
/// detail (as config/rules does), matching reads the entry as it is, and most events, which match nothing, cost a
/// match and no allocation. AWS/Events metrics (MatchedEvents, TriggeredRules, Invocations, FailedInvocations with
/// EventBusName and RuleName, as for a custom bus: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html)
/// go to the metric store when one is given.
/// </remarks>
public sealed class LocalEventBus : IEventPublisher
{
    private const string DefaultBusName = "default";

    // Indexed by Metric's second argument.
    // What an accepted entry of the processor's returns: its id is never read.
    private static readonly PutEventsResultEntry Accepted = new("");

    private static readonly string[] RuleMetricNames = ["MatchedEvents", "TriggeredRules", "Invocations", "FailedInvocations"];

    private readonly RuleSet _ruleSet;
    private readonly bool _matchEntries;
    private readonly ConcurrentBag<RuleMatcher> _matchers = [];
    private readonly Dictionary<string, int> _ruleIndex;
    private readonly RuleTarget?[] _targets;
    // Per rule: its target names this topic (the only one the twin reaches), decided once.
    private readonly bool[] _reachable;
    private readonly LocalTopic _topic;
    private readonly MetricStore? _metrics;
    private readonly TimeProvider _time;
    private readonly int _recentPerRule;
    private readonly Queue<RoutedEvent>[] _recent;
    private readonly long[] _matched;
    private readonly long[] _invocations;
    private readonly long[] _failedInvocations;
    private readonly MetricKey[][] _ruleMetricKeys;
    private readonly string[] _ruleArns;
    // Per thread: the names matched for the event at hand (Put is synchronous, so one list per thread serves).
    [ThreadStatic]
    private static List<string>? t_matched;

    private long _entries;
    private long _failedEntries;
    private long _eventsMatched;

    /// <param name="eventBusName">The bus's name, e.g. <c>paywatch-transactions-local</c>.</param>
    /// <param name="targets">Each rule's target by rule name (<see cref="RuleTargets.Load"/> of config/targets); a rule without one routes nowhere.</param>
    /// <param name="rules">The rules (RuleDefinition.LoadDirectory of config/rules); disabled ones are kept but never match.</param>
    /// <param name="topic">Every rule's target: the alerts topic.</param>
    /// <param name="timeProvider">The clock of events without a Time and of ingestion times.</param>
    /// <param name="metrics">Where AWS/Events metrics go; null for none.</param>
    /// <param name="region">The region of events and ARNs.</param>
    /// <param name="accountId">The account of events and ARNs.</param>
    /// <param name="recentEventsPerRule">How many routed events to keep per rule.</param>
    public LocalEventBus(
        string eventBusName,
        IReadOnlyDictionary<string, RuleTarget> targets,
        IReadOnlyList<RuleDefinition> rules,
        LocalTopic topic,
        TimeProvider timeProvider,
        MetricStore? metrics = null,
        string region = "us-east-1",
        string accountId = "000000000000",
        int recentEventsPerRule = 50)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventBusName);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(topic);
        EventBusName = eventBusName;
        Region = region;
        AccountId = accountId;
        EventBusArn = $"arn:aws:events:{region}:{accountId}:event-bus/{eventBusName}";
        Rules = rules;
        _ruleSet = RuleSet.Compile(rules);
        _matchEntries = _ruleSet.FieldPaths.All(p => p is "source" or "detail-type" || p.StartsWith("detail.", StringComparison.Ordinal));
        _ruleIndex = _ruleSet.RuleNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        ArgumentNullException.ThrowIfNull(targets);
        _targets = [.. _ruleSet.RuleNames.Select(targets.GetValueOrDefault)];
        _ruleArns = [.. _ruleSet.RuleNames.Select(RuleArn)];
        _topic = topic;
        _reachable = [.. _targets.Select(t => t?.Arn == topic.TopicArn)];
        _metrics = metrics;
        _time = timeProvider;
        _recentPerRule = recentEventsPerRule;
        var count = _ruleSet.RuleNames.Count;
        _recent = [.. Enumerable.Range(0, count).Select(_ => new Queue<RoutedEvent>())];
        _matched = new long[count];
        _invocations = new long[count];
        _failedInvocations = new long[count];
        _ruleMetricKeys =
        [
            .. _ruleSet.RuleNames.Select(name => RuleMetricNames
                .Select(metric => new MetricKey("AWS/Events", metric, [new("EventBusName", eventBusName), new("RuleName", name)]))
                .ToArray()),
        ];
    }

    public string EventBusName { get; }

    public string EventBusArn { get; }

    public string Region { get; }

    public string AccountId { get; }

    /// <summary>The rules as loaded, enabled or not.</summary>
    public IReadOnlyList<RuleDefinition> Rules { get; }

    /// <summary>The ARN of a rule on this bus: <c>arn:aws:events:{region}:{account}:rule/{bus}/{rule}</c>.</summary>
    public string RuleArn(string ruleName) => $"arn:aws:events:{Region}:{AccountId}:rule/{EventBusName}/{ruleName}";

    /// <summary>The target of an enabled rule; null for a rule that is disabled or unknown.</summary>
    public RuleTarget? TargetOf(string ruleName) => _ruleIndex.TryGetValue(ruleName, out var i) ? _targets[i] : null;

    public BusStatistics Statistics => new(
        Interlocked.Read(ref _entries),
        Interlocked.Read(ref _failedEntries),
        Interlocked.Read(ref _eventsMatched),
        [.. _ruleSet.RuleNames.Select((name, i) => new RuleStatistics(name, Interlocked.Read(ref _matched[i]), Interlocked.Read(ref _invocations[i]), Interlocked.Read(ref _failedInvocations[i])))]);

    /// <summary>The most recent events routed by a rule, oldest first (empty for an unknown rule).</summary>
    public IReadOnlyList<RoutedEvent> RecentEvents(string ruleName)
    {
        if (!_ruleIndex.TryGetValue(ruleName, out var i))
        {
            return [];
        }

        lock (_recent[i])
        {
            return [.. _recent[i]];
        }
    }

    /// <summary>
    /// The processor's port: each entry is put on the bus; refused entries are reported by index. Returns once the
    /// notifications of the entries it routed are durable in the topic's outbox (one write and fsync for the call, or
    /// shared with concurrent calls): an acknowledged entry's notification survives a crash.
    /// </summary>
    public async ValueTask<PublishResult> PublishAsync(ReadOnlyMemory<EventEntry> entries, CancellationToken cancellationToken)
    {
        List<int>? failed = null;
        var routed = false;
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries.Span[i];
            if (!Put(entry.Source, entry.DetailType, entry.Detail.Span, entry.EventBusName, entry.Time == default ? null : entry.Time, null, needsId: false, ref routed).Succeeded)
            {
                (failed ??= []).Add(i);
            }
        }

        if (routed)
        {
            await _topic.WhenDurableAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return failed is null ? PublishResult.Success : new PublishResult(failed);
    }

    /// <summary>
    /// PutEvents: each entry accepted (with its event id) or refused (with AWS's error code), in order; returns once the
    /// routed entries' notifications are durable.
    /// </summary>
    public async Task<IReadOnlyList<PutEventsResultEntry>> PutEventsAsync(IReadOnlyList<PutEventsRequestEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var routed = false;
        var results = new List<PutEventsResultEntry>(entries.Count);
        foreach (var e in entries)
        {
            results.Add(Put(e.Source, e.DetailType, e.Detail is null ? default : Encoding.UTF8.GetBytes(e.Detail), e.EventBusName, e.Time, e.Resources, needsId: true, ref routed, e.Detail is null));
        }

        if (routed)
        {
            await _topic.WhenDurableAsync().ConfigureAwait(false);
        }

        return results;
    }

    private PutEventsResultEntry Put(
        string? source, string? detailType, ReadOnlySpan<byte> detail, string? busName, DateTimeOffset? time, IReadOnlyList<string>? resources, bool needsId, ref bool routed, bool detailMissing = false)
    {
        Interlocked.Increment(ref _entries);
        // The processor's details are written by a JSON writer, and matching reads them whole anyway (refusing what is
        // not JSON): only API entries get the separate syntax check.
        var refusal = Validate(source, detailType, detail, busName, detailMissing, checkJson: needsId || !_matchEntries);
        if (refusal is not null)
        {
            Interlocked.Increment(ref _failedEntries);
            return refusal;
        }

        if (string.IsNullOrEmpty(busName) || busName == DefaultBusName)
        {
            return new PutEventsResultEntry(Uuid.NewString()); // The default bus has no rules in this stack.
        }

        var matched = t_matched ??= new List<string>(4);
        matched.Clear();
        // The processor's entries need no id unless routed: most events match nothing and cost no allocation here.
        string? id = null;
        var matcher = _matchers.TryTake(out var pooled) ? pooled : _ruleSet.CreateMatcher();
        byte[]? eventJson = null;
        var now = _time.GetUtcNow();
        try
        {
            if (_matchEntries)
            {
                matcher.MatchEntry(source!, detailType!, detail, matched);
            }
            else
            {
                id = Uuid.NewString();
                eventJson = BuildEvent(id, source!, detailType!, detail, time ?? now, resources);
                matcher.Match(eventJson, matched);
            }
        }
        catch (InvalidEventException e)
        {
            Interlocked.Increment(ref _failedEntries);
            return new PutEventsResultEntry(null, "MalformedDetail", e.Message);
        }
        finally
        {
            _matchers.Add(matcher);
        }

        if (matched.Count > 0)
        {
            Interlocked.Increment(ref _eventsMatched);
            id ??= Uuid.NewString();
            eventJson ??= BuildEvent(id, source!, detailType!, detail, time ?? now, resources);
            Route(id, eventJson, time ?? now, now, matched);
            routed = true;
        }

        return needsId ? new PutEventsResultEntry(id ?? Uuid.NewString()) : Accepted;
    }

    private PutEventsResultEntry? Validate(string? source, string? detailType, ReadOnlySpan<byte> detail, string? busName, bool detailMissing, bool checkJson)
    {
        // Error codes and wording as PutEvents reports them per entry.
        if (string.IsNullOrEmpty(source))
        {
            return new PutEventsResultEntry(null, "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
        }

        if (string.IsNullOrEmpty(detailType))
        {
            return new PutEventsResultEntry(null, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        }

        if (detailMissing || detail.IsEmpty)
        {
            return new PutEventsResultEntry(null, "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
        }

        if (!string.IsNullOrEmpty(busName) && busName != DefaultBusName && busName != EventBusName && busName != EventBusArn)
        {
            return new PutEventsResultEntry(null, "ResourceNotFoundException", $"Event bus {busName} does not exist.");
        }

        if (checkJson && !IsJsonObject(detail))
        {
            return new PutEventsResultEntry(null, "MalformedDetail", "Detail is malformed.");
        }

        return null;
    }

    private static bool IsJsonObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void Route(string id, byte[] eventJson, DateTimeOffset time, DateTimeOffset ingestion, List<string> matched)
    {
        using var document = JsonDocument.Parse(eventJson);
        foreach (var ruleName in matched)
        {
            var i = _ruleIndex[ruleName];
            Interlocked.Increment(ref _matched[i]);
            Metric(i, 0, ingestion);
            Metric(i, 1, ingestion);
            if (_targets[i] is not { } target)
            {
                continue;
            }

            // The only target the twin can reach is its topic: another ARN fails as a deleted topic does on AWS
            // (where retries and the routing DLQ follow; the twin counts the failure at once).
            if (!_reachable[i])
            {
                Interlocked.Increment(ref _failedInvocations[i]);
                Metric(i, 3, ingestion);
                continue;
            }

            try
            {
                var input = target.InputTransformer.Transform(document.RootElement, ruleName, _ruleArns[i], ingestion);
                var notification = _topic.Publish(input, origin: ruleName);
                Interlocked.Increment(ref _invocations[i]);
                Metric(i, 2, ingestion);
                lock (_recent[i])
                {
                    _recent[i].Enqueue(new RoutedEvent(ruleName, id, time, eventJson, input, notification));
                    while (_recent[i].Count > _recentPerRule)
                    {
                        _recent[i].Dequeue();
                    }
                }
            }
            catch (JsonException)
            {
                Interlocked.Increment(ref _failedInvocations[i]);
                Metric(i, 3, ingestion);
            }
        }
    }

    private void Metric(int rule, int metric, DateTimeOffset at) => _metrics?.Put(_ruleMetricKeys[rule][metric], at, 1);

    private byte[] BuildEvent(string id, string source, string detailType, ReadOnlySpan<byte> detail, DateTimeOffset time, IReadOnlyList<string>? resources)
    {
        using var buffer = new MemoryStream(detail.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("version", "0");
            writer.WriteString("id", id);
            writer.WriteString("detail-type", detailType);
            writer.WriteString("source", source);
            writer.WriteString("account", AccountId);
            writer.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("region", Region);
            writer.WriteStartArray("resources");
            foreach (var resource in resources ?? [])
            {
                writer.WriteStringValue(resource);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("detail");
            // Already read whole as JSON, by the matcher or by Validate's check: not validated a second time.
            writer.WriteRawValue(detail, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
