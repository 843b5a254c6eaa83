namespace Paywatch.Core.Kinesis;

/// <summary>
/// The event Lambda's Kinesis event source mapping delivers, with the tumbling-window members
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html).
/// </summary>
public sealed class KinesisEvent
{
    public required IReadOnlyList<KinesisEventRecord> Records { get; init; }

    public TumblingWindow? Window { get; init; }

    /// <summary>The window state as raw JSON (an object), or empty when the event has none.</summary>
    public ReadOnlyMemory<byte> State { get; init; }

    public string? ShardId { get; init; }

    public string? EventSourceArn { get; init; }

    public bool IsFinalInvokeForWindow { get; init; }

    public bool IsWindowTerminatedEarly { get; init; }
}
