namespace Paywatch.Local.Queues;

/// <summary>
/// A message as ReceiveMessage returns it (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Message.html):
/// id, this receive's handle, the body and its MD5 (hex, as SDKs verify it), and the system attributes.
/// </summary>
public sealed record QueueMessage(
    string MessageId,
    string ReceiptHandle,
    string Body,
    string Md5OfBody,
    DateTimeOffset SentTimestamp,
    int ApproximateReceiveCount,
    DateTimeOffset ApproximateFirstReceiveTimestamp)
{
    /// <summary>The message attributes it was sent with, by name.</summary>
    public IReadOnlyDictionary<string, MessageAttributeValue> MessageAttributes { get; init; } = new Dictionary<string, MessageAttributeValue>();
}
