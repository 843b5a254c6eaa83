namespace Paywatch.Local.Streams;

/// <summary>
/// Where a reader of the stream (GetRecords, or the event-source mapping's poller, which reads through
/// <see cref="IShardSource"/>) reports what it read, so that the AWS/Kinesis read metrics (<c>GetRecords.*</c>,
/// <c>OutgoingRecords</c>, <c>OutgoingBytes</c>, <c>IteratorAgeMilliseconds</c>) reflect the consumption.
/// </summary>
public interface IStreamReadMetrics
{
    /// <summary>Reports one successful read of <paramref name="shardId"/>.</summary>
    /// <param name="records">Records returned (0 for an empty read).</param>
    /// <param name="bytes">Their data bytes.</param>
    /// <param name="iteratorAge">Now minus the arrival time of the last record returned; zero when none was.</param>
    void RecordRead(string shardId, int records, long bytes, TimeSpan iteratorAge);
}
