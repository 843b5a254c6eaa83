namespace Paywatch.Local.Queues;

/// <summary>A queue's attributes as GetQueueAttributes reports them (counts are exact here, "approximate" on AWS).</summary>
public sealed record QueueAttributes(
    string QueueArn,
    int ApproximateNumberOfMessages,
    int ApproximateNumberOfMessagesNotVisible,
    DateTimeOffset CreatedTimestamp,
    DateTimeOffset LastModifiedTimestamp,
    TimeSpan VisibilityTimeout,
    TimeSpan MessageRetentionPeriod);
