namespace Paywatch.Local.Notifications;

/// <summary>
/// A notification on its way to the subscriptions: its place in the outbox and, one bit per subscription (by index),
/// which subscriptions still have to get it and which have an attempt under way.
/// </summary>
public sealed class OutboxEntry(long sequence, TopicNotification notification, ulong pending)
{
    public long Sequence { get; } = sequence;

    public TopicNotification Notification { get; internal set; } = notification;

    /// <summary>Subscriptions that have not yet had it delivered (or given up on it).</summary>
    internal ulong Pending { get; set; } = pending;

    /// <summary>Subscriptions with an attempt started and not yet known to have succeeded or failed.</summary>
    internal ulong Tried { get; set; }

    /// <summary>The length of its line in the outbox file, for deciding when compaction pays.</summary>
    internal int Bytes { get; set; }

    /// <summary>Subscriptions yet to make their first attempt; the topic's FlushAsync waits for zero.</summary>
    internal int FirstAttemptsLeft;
}
