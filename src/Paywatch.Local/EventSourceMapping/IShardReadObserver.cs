namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// Told of every read the event source mapping makes from a shard, as Kinesis counts a GetRecords call: the stream
/// side turns it into AWS/Kinesis <c>GetRecords.Records</c>, <c>GetRecords.Bytes</c>, <c>GetRecords.Success</c>,
/// <c>OutgoingRecords</c>, <c>OutgoingBytes</c> and <c>GetRecords.IteratorAgeMilliseconds</c>.
/// </summary>
public interface IShardReadObserver
{
    /// <param name="shardId">The shard read.</param>
    /// <param name="records">Records returned (0 for an empty read).</param>
    /// <param name="bytes">Their data bytes.</param>
    /// <param name="iteratorAge">Now minus the arrival of the last record returned; zero when the read returned none (the iterator is at the tip).</param>
    void OnRecordsRead(string shardId, int records, long bytes, TimeSpan iteratorAge);
}
