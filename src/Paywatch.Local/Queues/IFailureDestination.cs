namespace Paywatch.Local.Queues;

/// <summary>
/// Where the event-source mapping sends what it gives up on: the on-failure destination, the SQS dead-letter queue on AWS. The
/// body is the JSON document Lambda sends for a Kinesis batch (requestContext, responseContext, KinesisBatchInfo).
/// </summary>
public interface IFailureDestination
{
    string QueueName { get; }

    /// <summary>Stores the message durably before it returns.</summary>
    ValueTask SendMessageAsync(string body, CancellationToken cancellationToken);
}
