namespace Paywatch.Core.Routing;

/// <summary>
/// One EventBridge PutEvents request entry (PutEventsRequestEntry): <c>Source</c>, <c>DetailType</c>,
/// <c>Detail</c> (a JSON object), <c>EventBusName</c>, <c>Time</c>.
/// </summary>
/// <remarks>
/// <see cref="Detail"/> is a slice of the processor's batch buffer: it is valid only until the
/// <see cref="IEventPublisher.PublishAsync"/> call it was passed to completes. A publisher that keeps entries
/// must copy them.
/// </remarks>
public readonly record struct EventEntry(
    string Source,
    string DetailType,
    ReadOnlyMemory<byte> Detail,
    string EventBusName,
    DateTimeOffset Time);
