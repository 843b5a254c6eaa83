namespace Paywatch.Local.Queues;

/// <summary>A message as the queue holds it, read without receiving it.</summary>
/// <param name="Visible">False while a consumer holds it (received, not yet deleted or timed out).</param>
public sealed record StoredMessage(string MessageId, string Body, DateTimeOffset Sent, int ReceiveCount, bool Visible);
