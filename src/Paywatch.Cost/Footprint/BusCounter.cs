using Paywatch.Aws.EventBridge;
using Paywatch.Core.Routing;
using Paywatch.Patterns;

namespace Paywatch.Cost.Footprint;

/// <summary>
/// The publisher port as EventBridge bills it: entries and their 64 KB events, PutEvents requests (at most 10 entries each, as
/// <see cref="PutEventsPublisher"/> sends them), and each entry matched by the rules as the bus matches it. Every rule has one
/// target, the alerts topic, so each match is one SNS publish and one notification per subscription.
/// </summary>
public sealed class BusCounter(RuleSet rules, TimeProvider time) : IEventPublisher
{
    /// <summary>PutEvents' entry limit per request ("PutEvents", EventBridge API Reference).</summary>
    public const int EntriesPerRequest = 10;

    private readonly RuleMatcher _matcher = (rules ?? throw new ArgumentNullException(nameof(rules))).CreateMatcher();
    private readonly List<string> _matched = [];
    private readonly Dictionary<long, long> _perSecond = [];

    public long Entries { get; private set; }

    public long EntryBytes { get; private set; }

    public long BilledEvents { get; private set; }

    public long Requests { get; private set; }

    public Dictionary<string, long> MatchesByRule { get; } = rules.RuleNames.ToDictionary(r => r, _ => 0L, StringComparer.Ordinal);

    public long Matches => MatchesByRule.Values.Sum();

    /// <summary>Notifications in the busiest second of stream time.</summary>
    public long BusiestSecond => _perSecond.Count == 0 ? 0 : _perSecond.Values.Max();

    public ValueTask<PublishResult> PublishAsync(ReadOnlyMemory<EventEntry> entries, CancellationToken cancellationToken)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        Entries += entries.Length;
        Requests += (entries.Length + EntriesPerRequest - 1) / EntriesPerRequest;
        foreach (var entry in entries.Span)
        {
            var size = PutEventsEntrySize.Of(entry);
            EntryBytes += size;
            BilledEvents += BillingUnits.EventBridgeEvents(size);
            _matched.Clear();
            _matcher.MatchEntry(entry.Source, entry.DetailType, entry.Detail.Span, _matched);
            foreach (var rule in _matched)
            {
                MatchesByRule[rule]++;
            }

            if (_matched.Count > 0)
            {
                _perSecond[second] = _perSecond.GetValueOrDefault(second) + _matched.Count;
            }
        }

        return ValueTask.FromResult(PublishResult.Success);
    }
}
