using System.Text;
using Paywatch.Local.Streams;

namespace Paywatch.Local.Tests.EventSourceMapping;

/// <summary>An in-memory <see cref="IShardSource"/>: records appended per shard with increasing sequence numbers.</summary>
internal sealed class FakeShardSource : IShardSource
{
    private readonly Dictionary<string, List<StoredRecord>> _shards;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private UInt128 _next = 1000;

    public FakeShardSource(TimeProvider time, params string[] shardIds)
    {
        _time = time;
        _shards = shardIds.ToDictionary(id => id, _ => new List<StoredRecord>());
        ShardIds = shardIds;
    }

    public string StreamName => "transaction-stream-local";

    public string StreamArn => "arn:aws:kinesis:us-east-1:000000000000:stream/transaction-stream-local";

    public IReadOnlyList<string> ShardIds { get; }

    public int Reads { get; private set; }

    /// <summary>Reads that will throw before reads work again.</summary>
    public int FailingReads { get; set; }

    public StoredRecord Put(string shardId, string partitionKey, string data, DateTimeOffset? arrival = null)
    {
        lock (_lock)
        {
            var record = new StoredRecord(_next, partitionKey, Encoding.UTF8.GetBytes(data), arrival ?? _time.GetUtcNow());
            _next += 7;
            _shards[shardId].Add(record);
            return record;
        }
    }

    public IReadOnlyList<StoredRecord> Read(string shardId, UInt128? after, int maxRecords, int maxBytes)
    {
        lock (_lock)
        {
            Reads++;
            if (FailingReads > 0)
            {
                FailingReads--;
                throw new IOException("The stream's storage failed.");
            }

            return [.. _shards[shardId].Where(r => after is null || r.SequenceNumber > after.Value).Take(maxRecords)];
        }
    }

    public bool HasRecordsAfter(string shardId, UInt128? after)
    {
        lock (_lock)
        {
            return _shards[shardId].Exists(r => after is null || r.SequenceNumber > after);
        }
    }

    public async Task WaitForRecordsAsync(string shardId, UInt128? after, CancellationToken cancellationToken)
    {
        while (Read(shardId, after, 1, 1).Count == 0)
        {
            await Task.Delay(5, cancellationToken);
        }
    }
}
