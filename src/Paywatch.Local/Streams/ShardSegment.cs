namespace Paywatch.Local.Streams;

/// <summary>
/// One segment file and what a reader needs to find a record in it without reading it whole: a sparse index (the
/// sequence number and file offset of every <see cref="SparseInterval"/>th record), its durable length, and its newest
/// record. Guarded by <see cref="ShardSegmentLog"/>'s lock.
/// </summary>
internal sealed class ShardSegment(string path, long number)
{
    public const int SparseInterval = 256;

    public string Path { get; } = path;

    public long Number { get; } = number;

    public List<(UInt128 SequenceNumber, long Offset)> Sparse { get; } = [];

    public int Records { get; private set; }

    public long Length { get; set; }

    public UInt128? LastSequenceNumber { get; private set; }

    public DateTimeOffset NewestArrival { get; private set; } = DateTimeOffset.MinValue;

    public void Add(StoredRecord record, long offset)
    {
        if (Records % SparseInterval == 0)
        {
            Sparse.Add((record.SequenceNumber, offset));
        }

        Records++;
        LastSequenceNumber = record.SequenceNumber;
        NewestArrival = record.ApproximateArrivalTimestamp;
    }

    /// <summary>Where to start reading for the first record after <paramref name="after"/>.</summary>
    public long StartOffset(UInt128? after)
    {
        var offset = 0L;
        foreach (var (sequenceNumber, at) in Sparse)
        {
            if (after is null || sequenceNumber > after)
            {
                break;
            }

            offset = at;
        }

        return offset;
    }
}
