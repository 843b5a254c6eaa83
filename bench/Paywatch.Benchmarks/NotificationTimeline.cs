using System.Text.Json;
using Paywatch.Core.Routing;
using Paywatch.Cost.Footprint;

namespace Paywatch.Benchmarks;

/// <summary>
/// The bus as the alerts topic sees it over stream time: each publish goes to <paramref name="bus"/>, which matches it
/// with the rules, and its notifications are counted by tumbling window (individual alerts in the window they are sent
/// in, a summary in the window it closes) and by second.
/// </summary>
internal sealed class NotificationTimeline(BusCounter bus, TimeProvider time, DateTimeOffset start, TimeSpan window, string summaryDetailType) : IEventPublisher
{
    private readonly Dictionary<long, long> _alerts = [];
    private readonly Dictionary<long, long> _summaries = [];
    private readonly Dictionary<long, long> _perSecond = [];

    /// <summary>The most individual alerts the whole stream sent in one window.</summary>
    public long MostAlertsInAWindow => _alerts.Count == 0 ? 0 : _alerts.Values.Max();

    /// <summary>The most summaries of one window.</summary>
    public long MostSummariesOfAWindow => _summaries.Count == 0 ? 0 : _summaries.Values.Max();

    /// <summary>The most notifications of every kind in one window.</summary>
    public long MostInAWindow => _alerts.Keys.Union(_summaries.Keys).Select(w => _alerts.GetValueOrDefault(w) + _summaries.GetValueOrDefault(w)).DefaultIfEmpty().Max();

    public long Windows => _alerts.Keys.Union(_summaries.Keys).Count();

    /// <summary>Notifications in the busiest second of stream time.</summary>
    public long BusiestSecond => _perSecond.Count == 0 ? 0 : _perSecond.Values.Max();

    public async ValueTask<PublishResult> PublishAsync(ReadOnlyMemory<EventEntry> entries, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        for (var i = 0; i < entries.Length; i++)
        {
            var before = bus.Matches;
            var result = await bus.PublishAsync(entries.Slice(i, 1), cancellationToken).ConfigureAwait(false);
            var matches = bus.Matches - before;
            if (!result.AllPublished || matches == 0)
            {
                continue;
            }

            var entry = entries.Span[i];
            var isSummary = entry.DetailType == summaryDetailType;
            // A summary is sent once its window has ended: it belongs to the window it names.
            var windowIndex = ((isSummary ? WindowStart(entry) : now) - start).Ticks / window.Ticks;
            var byWindow = isSummary ? _summaries : _alerts;
            byWindow[windowIndex] = byWindow.GetValueOrDefault(windowIndex) + matches;
            var second = now.ToUnixTimeSeconds();
            _perSecond[second] = _perSecond.GetValueOrDefault(second) + matches;
        }

        return PublishResult.Success;
    }

    private static DateTimeOffset WindowStart(in EventEntry summary)
    {
        using var detail = JsonDocument.Parse(summary.Detail);
        return detail.RootElement.GetProperty("window_start").GetDateTimeOffset();
    }
}
