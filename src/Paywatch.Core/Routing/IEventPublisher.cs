namespace Paywatch.Core.Routing;

/// <summary>
/// The port to EventBridge (or the local twin's bus). Implementations batch within PutEvents' limits and retry
/// transient faults themselves, bounded by <paramref name="cancellationToken"/>; what still fails after that is
/// reported, never thrown away, and the processor turns it into <c>batchItemFailures</c>.
/// </summary>
public interface IEventPublisher
{
    /// <returns>The indexes of <paramref name="entries"/> that could not be published.</returns>
    ValueTask<PublishResult> PublishAsync(ReadOnlyMemory<EventEntry> entries, CancellationToken cancellationToken);
}

/// <summary>The outcome of a publish: which entries (by index) were not published after all retries.</summary>
public readonly record struct PublishResult(IReadOnlyList<int> FailedEntries)
{
    public static PublishResult Success { get; } = new([]);

    public bool AllPublished => FailedEntries.Count == 0;
}
