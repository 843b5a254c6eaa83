namespace Paywatch.Local.Streams;

/// <summary>
/// The outcome of one record: acknowledged (durable) with its shard and sequence number, or refused with PutRecords'
/// per-record <c>ErrorCode</c> and <c>ErrorMessage</c>.
/// </summary>
public sealed record PutRecordResult(string ShardId, UInt128? SequenceNumber, string? ErrorCode = null, string? ErrorMessage = null)
{
    public bool Succeeded => SequenceNumber is not null;
}
