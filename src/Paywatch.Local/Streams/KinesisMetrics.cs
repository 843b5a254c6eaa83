using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Streams;

/// <summary>
/// The AWS/Kinesis metrics of one stream, put into a <see cref="MetricStore"/> under the names and dimensions of
/// "Monitoring the Amazon Kinesis Data Streams service with Amazon CloudWatch"
/// (https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html): the basic stream-level metrics
/// (dimension <c>StreamName</c>) and the enhanced shard-level ones the Terraform enables (<c>StreamName</c>, <c>ShardId</c>).
/// One datapoint per operation (per shard for shard-level metrics), whose value is that operation's count or bytes,
/// so Sum is the total and Minimum, Maximum and Average describe single operations, as the guide defines them.
/// </summary>
public sealed class KinesisMetrics : IStreamReadMetrics
{
    public const string Namespace = "AWS/Kinesis";

    private readonly MetricStore _store;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, MetricKey> _streamKeys = [];
    private readonly Dictionary<(string ShardId, string Name), MetricKey> _shardKeys = [];
    private readonly Lock _keysLock = new();

    public KinesisMetrics(MetricStore store, string streamName, TimeProvider? timeProvider = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        StreamName = streamName;
        _time = timeProvider ?? TimeProvider.System;
    }

    public string StreamName { get; }

    /// <summary>Records successfully put to a shard by one operation.</summary>
    public void Incoming(string shardId, int records, long bytes)
    {
        var now = _time.GetUtcNow();
        PutStream("IncomingRecords", now, records);
        PutStream("IncomingBytes", now, bytes);
        PutShard(shardId, "IncomingRecords", now, records);
        PutShard(shardId, "IncomingBytes", now, bytes);
    }

    /// <summary>Records one operation refused for a shard's write limits ("the number of records rejected due to throttling").</summary>
    public void WriteThrottled(string shardId, int records)
    {
        var now = _time.GetUtcNow();
        PutStream("WriteProvisionedThroughputExceeded", now, records);
        PutShard(shardId, "WriteProvisionedThroughputExceeded", now, records);
    }

    /// <summary>One PutRecord operation.</summary>
    public void PutRecord(bool succeeded, long bytes, TimeSpan latency)
    {
        var now = _time.GetUtcNow();
        PutStream("PutRecord.Success", now, succeeded ? 1 : 0);
        if (succeeded)
        {
            PutStream("PutRecord.Bytes", now, bytes);
            PutStream("PutRecord.Latency", now, latency.TotalMilliseconds);
        }
    }

    /// <summary>One PutRecords operation. Failed records are internal failures, which the twin does not have.</summary>
    public void PutRecords(int total, int successful, int throttled, long bytes, TimeSpan latency)
    {
        var now = _time.GetUtcNow();
        PutStream("PutRecords.TotalRecords", now, total);
        PutStream("PutRecords.SuccessfulRecords", now, successful);
        PutStream("PutRecords.FailedRecords", now, 0);
        PutStream("PutRecords.ThrottledRecords", now, throttled);
        // "The number of PutRecords operations where at least one record succeeded".
        PutStream("PutRecords.Success", now, successful > 0 ? 1 : 0);
        PutStream("PutRecords.Bytes", now, bytes);
        PutStream("PutRecords.Latency", now, latency.TotalMilliseconds);
    }

    /// <inheritdoc />
    public void RecordRead(string shardId, int records, long bytes, TimeSpan iteratorAge)
    {
        var now = _time.GetUtcNow();
        var age = Math.Max(0, iteratorAge.TotalMilliseconds);
        PutStream("GetRecords.Success", now, 1);
        PutStream("GetRecords.Records", now, records);
        PutStream("GetRecords.Bytes", now, bytes);
        PutStream("GetRecords.IteratorAgeMilliseconds", now, age);
        PutShard(shardId, "OutgoingRecords", now, records);
        PutShard(shardId, "OutgoingBytes", now, bytes);
        PutShard(shardId, "IteratorAgeMilliseconds", now, age);
        PutShard(shardId, "ReadProvisionedThroughputExceeded", now, 0);
    }

    private void PutStream(string name, DateTimeOffset now, double value)
    {
        MetricKey? key;
        lock (_keysLock)
        {
            if (!_streamKeys.TryGetValue(name, out key))
            {
                _streamKeys[name] = key = new MetricKey(Namespace, name, [new("StreamName", StreamName)]);
            }
        }

        _store.Put(key, now, value);
    }

    private void PutShard(string shardId, string name, DateTimeOffset now, double value)
    {
        MetricKey? key;
        lock (_keysLock)
        {
            if (!_shardKeys.TryGetValue((shardId, name), out key))
            {
                _shardKeys[(shardId, name)] = key = new MetricKey(Namespace, name, [new("StreamName", StreamName), new("ShardId", shardId)]);
            }
        }

        _store.Put(key, now, value);
    }
}
