namespace Paywatch.Core.Routing;

/// <summary>
/// Keeps published entries in memory (copying their detail), for the CLI's offline runs and for tests. Can be
/// told to fail entries, to exercise the processor's retry contract.
/// </summary>
public sealed class InMemoryEventPublisher : IEventPublisher
{
    private readonly List<PublishedEvent> _published = [];

    public IReadOnlyList<PublishedEvent> Published => _published;

    /// <summary>When set, decides per entry (by its detail) whether it fails to publish.</summary>
    public Func<PublishedEvent, bool>? FailWhen { get; set; }

    public ValueTask<PublishResult> PublishAsync(ReadOnlyMemory<EventEntry> entries, CancellationToken cancellationToken)
    {
        List<int>? failed = null;
        var span = entries.Span;
        for (var i = 0; i < span.Length; i++)
        {
            var entry = span[i];
            var published = new PublishedEvent(
                entry.Source, entry.DetailType, Encoding.UTF8.GetString(entry.Detail.Span), entry.EventBusName, entry.Time);
            if (FailWhen?.Invoke(published) == true)
            {
                (failed ??= []).Add(i);
            }
            else
            {
                _published.Add(published);
            }
        }

        return ValueTask.FromResult(failed is null ? PublishResult.Success : new PublishResult(failed));
    }

    public void Clear() => _published.Clear();
}

/// <summary>A published entry with its detail copied out as a string.</summary>
public sealed record PublishedEvent(string Source, string DetailType, string Detail, string EventBusName, DateTimeOffset Time);
