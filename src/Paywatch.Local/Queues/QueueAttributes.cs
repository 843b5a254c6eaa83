namespace Paywatch.Local.Queues;

/// <summary>A queue's attributes as GetQueueAttributes reports them (counts are exact here, "approximate" on AWS).</summary>
/// <param name="ApproximateNumberOfMessagesNotVisible">Messages in flight: received, not yet deleted or timed out.</param>
/// <param name="ApproximateNumberOfMessagesDelayed">Messages sent with a delay that has not yet passed.</param>
public sealed record QueueAttributes(
    string QueueArn,
    int ApproximateNumberOfMessages,
    int ApproximateNumberOfMessagesNotVisible,
    DateTimeOffset CreatedTimestamp,
    DateTimeOffset LastModifiedTimestamp,
    TimeSpan VisibilityTimeout,
    TimeSpan MessageRetentionPeriod,
    int ApproximateNumberOfMessagesDelayed = 0);
