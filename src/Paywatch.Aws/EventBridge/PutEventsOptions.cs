namespace Paywatch.Aws.EventBridge;

/// <summary>How <see cref="PutEventsPublisher"/> batches, parallelises and retries.</summary>
public sealed record PutEventsOptions
{
    /// <summary>PutEvents takes at most 10 entries per request (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html).</summary>
    public const int MaxEntriesPerRequestLimit = 10;

    /// <summary>
    /// The size limit of one entry and of a request's entries together, in EventBridge's own measure (see
    /// <see cref="PutEventsEntrySize"/>). The API reference calls 256 KB the maximum; the user guide says "less than
    /// 256KB". An entry of exactly 262,144 bytes is sent: EventBridge's answer, not ours, then decides.
    /// </summary>
    public const int MaxRequestBytesLimit = 256 * 1024;

    public int MaxEntriesPerRequest { get; init; } = MaxEntriesPerRequestLimit;

    public int MaxRequestBytes { get; init; } = MaxRequestBytesLimit;

    /// <summary>Requests in flight at once. A batch of 10,000 records is 1,000 requests; 8 keeps a 2-core function busy without a flood.</summary>
    public int MaxConcurrentRequests { get; init; } = 8;

    /// <summary>Attempts per entry, the first included.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>The backoff before the first retry is drawn from [0, BaseDelay]; it doubles per retry up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one request may take before it is abandoned and retried: a stalled connection must not use up the
    /// invocation's remaining time. PutEvents answers in tens of milliseconds; 5 s leaves room for a slow TLS handshake.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <exception cref="ArgumentException">A setting outside PutEvents' limits or not positive.</exception>
    public void Validate()
    {
        if (MaxEntriesPerRequest is < 1 or > MaxEntriesPerRequestLimit)
        {
            throw new ArgumentException($"MaxEntriesPerRequest must be 1-{MaxEntriesPerRequestLimit}.", nameof(MaxEntriesPerRequest));
        }

        if (MaxRequestBytes is < 1 or > MaxRequestBytesLimit)
        {
            throw new ArgumentException($"MaxRequestBytes must be 1-{MaxRequestBytesLimit}.", nameof(MaxRequestBytes));
        }

        if (MaxConcurrentRequests < 1 || MaxAttempts < 1 || BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay || AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                "MaxConcurrentRequests, MaxAttempts and AttemptTimeout must be positive, and 0 <= BaseDelay <= MaxDelay.");
        }
    }
}
