namespace Paywatch.Local.Streams;

/// <summary>How a <see cref="DurableStream"/> is laid out and what it enforces.</summary>
/// <param name="StreamName">The stream's name, e.g. <c>transaction-stream-local</c>.</param>
/// <param name="DataDirectory">The stream's own folder: one sub-folder of segment files per shard, and <c>stream.json</c>.</param>
public sealed record DurableStreamOptions(string StreamName, string DataDirectory)
{
    /// <summary>Shards at creation; a reopened stream keeps the count it was created with.</summary>
    public int ShardCount { get; init; } = 5;

    /// <summary>Records older than this are dropped (Kinesis's retention period, 24 hours by default).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);

    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "000000000000";

    /// <summary>
    /// Refuse records beyond a provisioned shard's write limits, 1 MiB/s and 1,000 records/s, with
    /// <c>ProvisionedThroughputExceededException</c> (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html).
    /// Off by default: the twin is not capacity-bound.
    /// </summary>
    public bool EnforceShardWriteLimits { get; init; }

    /// <summary>
    /// How much record data each shard keeps in memory, newest first; older records are read back from the segment files.
    /// </summary>
    public long MemoryBytesPerShard { get; init; } = 32 * 1024 * 1024;

    /// <summary>
    /// The most record data each shard keeps on disk; past it the oldest segment files are deleted whole, as past
    /// <see cref="Retention"/>, so a days-long run at a high rate stays bounded (Kinesis has no such cap: its bound is
    /// retention alone, and its storage is not a laptop's disk). A consumer lagging further behind than this loses the
    /// records deleted, as one lagging past retention does; the shard counts them (<see cref="DurableStream.RecordsDeletedBySizeCap"/>).
    /// </summary>
    public long MaxBytesPerShard { get; init; } = 1024L * 1024 * 1024;

    /// <summary>A segment file is closed and a new one started past this size.</summary>
    public long SegmentBytes { get; init; } = 64 * 1024 * 1024;
}
