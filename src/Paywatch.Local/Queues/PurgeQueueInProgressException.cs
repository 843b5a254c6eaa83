namespace Paywatch.Local.Queues;

/// <summary>A second PurgeQueue within 60 seconds of the last one, which SQS refuses.</summary>
public sealed class PurgeQueueInProgressException : Exception
{
    public PurgeQueueInProgressException()
        : base("Only one PurgeQueue operation on a queue is allowed every 60 seconds.")
    {
    }

    public PurgeQueueInProgressException(string message)
        : base(message)
    {
    }

    public PurgeQueueInProgressException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
