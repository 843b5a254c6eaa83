namespace Paywatch.Local.Streams;

/// <summary>
/// What the event-source mapping reads a stream through: the open shards, their records in sequence-number order,
/// and a wait for new ones (so pollers sleep instead of spinning).
/// </summary>
public interface IShardSource
{
    string StreamName { get; }

    /// <summary>The stream's ARN as the twin names it (<c>arn:aws:kinesis:{region}:000000000000:stream/{name}</c>).</summary>
    string StreamArn { get; }

    /// <summary>The shards records can be read from, in shard-id order.</summary>
    IReadOnlyList<string> ShardIds { get; }

    /// <summary>
    /// Records of <paramref name="shardId"/> after <paramref name="after"/> (exclusive; null: from the oldest record
    /// still retained, TRIM_HORIZON), at most <paramref name="maxRecords"/> and about <paramref name="maxBytes"/> of data
    /// (at least one record when there is one). Returns at once, possibly empty.
    /// </summary>
    IReadOnlyList<StoredRecord> Read(string shardId, UInt128? after, int maxRecords, int maxBytes);

    /// <summary>Whether <paramref name="shardId"/> has a record after <paramref name="after"/>, now.</summary>
    bool HasRecordsAfter(string shardId, UInt128? after);

    /// <summary>Completes when <paramref name="shardId"/> has a record after <paramref name="after"/>.</summary>
    Task WaitForRecordsAsync(string shardId, UInt128? after, CancellationToken cancellationToken);

    /// <summary>
    /// Makes sure <paramref name="shardId"/> numbers no new record at or below <paramref name="sequenceNumber"/>: a
    /// reader's checkpoint there proves it was assigned, even when the segment data and high-water mark that held it
    /// were lost. A source that cannot lose its numbering ignores it.
    /// </summary>
    /// <returns>Whether the shard's numbering had to move up.</returns>
    bool EnsureNumberingAbove(string shardId, UInt128 sequenceNumber) => false;
}

/// <summary>One acknowledged record, as GetRecords and the Lambda Kinesis event describe it.</summary>
/// <param name="SequenceNumber">Unique and increasing within the shard; written as decimal digits on the wire.</param>
/// <param name="PartitionKey">The record's partition key.</param>
/// <param name="Data">The record's data (raw bytes, not base64).</param>
/// <param name="ApproximateArrivalTimestamp">When the stream acknowledged the record.</param>
public sealed record StoredRecord(UInt128 SequenceNumber, string PartitionKey, ReadOnlyMemory<byte> Data, DateTimeOffset ApproximateArrivalTimestamp);
