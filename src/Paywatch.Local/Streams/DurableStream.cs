using System.Diagnostics;
using Paywatch.Local.Storage;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Streams;

/// <summary>
/// The twin's Kinesis data stream: shards over the 128-bit hash-key space, per-shard sequence numbers, retention, and
/// durability — a write is acknowledged only once its bytes are fsynced to the shard's segment files, and reopening the
/// folder recovers every acknowledged record. Readers (<see cref="IShardSource"/>) see a record only once it is durable.
/// Thread-safe.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A Kinesis data stream, named as AWS names it; not a System.IO.Stream.")]
public sealed class DurableStream : IShardSource, IStreamReadMetrics, IAsyncDisposable
{
    private readonly Shard[] _shards;
    private readonly Dictionary<string, Shard> _shardsById;
    private readonly TimeProvider _time;
    private readonly KinesisMetrics? _metrics;
    private long _writeThrottledRecords;
    private long _incomingRecords;
    private long _putPayloadUnits;

    private DurableStream(DurableStreamOptions options, Shard[] shards, DateTimeOffset created, TimeProvider time, MetricStore? metrics)
    {
        Options = options;
        _shards = shards;
        _shardsById = shards.ToDictionary(s => s.ShardId, StringComparer.Ordinal);
        _time = time;
        _metrics = metrics is null ? null : new KinesisMetrics(metrics, options.StreamName, time);
        CreationTimestamp = created;
        StreamArn = $"arn:aws:kinesis:{options.Region}:{options.AccountId}:stream/{options.StreamName}";
        ShardIds = [.. shards.Select(s => s.ShardId)];
    }

    public DurableStreamOptions Options { get; }

    public string StreamName => Options.StreamName;

    public string StreamArn { get; }

    public IReadOnlyList<string> ShardIds { get; }

    /// <summary>When the stream was first created in its folder (kept across restarts).</summary>
    public DateTimeOffset CreationTimestamp { get; }

    /// <summary>Records refused by the shard write limits since the stream was opened.</summary>
    public long WriteThrottledRecords => Interlocked.Read(ref _writeThrottledRecords);

    /// <summary>Records deleted by the size cap (<see cref="DurableStreamOptions.MaxBytesPerShard"/>) since the stream was opened.</summary>
    public long RecordsDeletedBySizeCap => _shardsById.Values.Sum(s => s.DeletedBySizeCap);

    /// <summary>Bytes of segment files past the size cap, kept because the consumer has not processed their records.</summary>
    public long BytesHeldOverSizeCap => _shards.Sum(s => s.BytesHeldOverSizeCap);

    /// <summary>Records accepted since the stream was opened.</summary>
    public long IncomingRecords => Interlocked.Read(ref _incomingRecords);

    /// <summary>The accepted records' PUT payload units (<see cref="Paywatch.Cost.BillingUnits.PutPayloadUnits"/>).</summary>
    public long PutPayloadUnits => Interlocked.Read(ref _putPayloadUnits);

    /// <summary>
    /// Opens the stream in <see cref="DurableStreamOptions.DataDirectory"/>, creating it there with
    /// <see cref="DurableStreamOptions.ShardCount"/> shards the first time, recovering its records otherwise.
    /// </summary>
    /// <param name="metrics">Where the AWS/Kinesis metrics go; null for none.</param>
    /// <param name="report">Where repairs of the folder are reported; null to drop the report.</param>
    /// <exception cref="DataFolderException">The folder holds files of a newer format version.</exception>
    public static DurableStream Open(DurableStreamOptions options, TimeProvider? timeProvider = null, MetricStore? metrics = null, DataFolderReport? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = timeProvider ?? TimeProvider.System;
        report ??= new DataFolderReport();
        Directory.CreateDirectory(options.DataDirectory);
        var metadata = StreamMetadata.ReadOrCreate(options, time, report);
        var ranges = HashKeyRange.Split(metadata.ShardCount);
        var shards = new Shard[metadata.ShardCount];
        try
        {
            for (var i = 0; i < metadata.ShardCount; i++)
            {
                shards[i] = new Shard(i, ranges[i], options.DataDirectory, options, time, report);
            }
        }
        catch
        {
            foreach (var opened in shards.Where(s => s is not null))
            {
                opened.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        return new DurableStream(options, shards, metadata.Created, time, metrics);
    }

    /// <summary>
    /// Tells the stream its consumer's checkpoints, so that the size cap never deletes a record not yet processed (only
    /// retention does, as on Kinesis); applies the cap at once and reports what it deleted or holds.
    /// </summary>
    public void KeepUnprocessed(Func<string, UInt128?> checkpointOf, DataFolderReport report)
    {
        ArgumentNullException.ThrowIfNull(checkpointOf);
        foreach (var shard in _shards)
        {
            shard.KeepUnprocessed(() => checkpointOf(shard.ShardId), report);
        }
    }

    /// <inheritdoc />
    public bool EnsureNumberingAbove(string shardId, UInt128 sequenceNumber) => Find(shardId).RaiseFloor(sequenceNumber);

    /// <summary>The shard's hash-key range and the sequence number its records start above.</summary>
    public (HashKeyRange HashKeyRange, UInt128 StartingSequenceNumber) DescribeShard(string shardId)
    {
        var shard = Find(shardId);
        return (shard.HashKeyRange, shard.StartingSequenceNumber);
    }

    public bool HasShard(string shardId) => _shardsById.ContainsKey(shardId);

    /// <summary>The shard whose hash-key range holds the record's explicit hash key, or the MD5 of its partition key.</summary>
    public string ShardFor(PutRecordEntry entry) => ShardOf(entry).ShardId;

    /// <summary>Writes one record; completes once it is durable, or refused by the shard's write limit.</summary>
    public async ValueTask<PutRecordResult> PutRecordAsync(PutRecordEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var started = _time.GetTimestamp();
        var shard = ShardOf(entry);
        var accepted = new StoredRecord?[1];
        await shard.Write([entry], _time.GetUtcNow(), accepted).WaitAsync(cancellationToken).ConfigureAwait(false);
        var result = Result(shard, accepted[0]);
        if (accepted[0] is null)
        {
            Throttled(shard, 1);
        }
        else
        {
            _metrics?.Incoming(shard.ShardId, 1, entry.Data.Length);
            Accepted(1, Paywatch.Cost.BillingUnits.PutPayloadUnits(entry.Data.Length));
        }

        _metrics?.PutRecord(result.Succeeded, entry.Data.Length, _time.GetElapsedTime(started));
        return result;
    }

    /// <summary>
    /// Writes records (the shard of each is written in the order given); completes once every accepted one is durable.
    /// Results are in the order of <paramref name="entries"/>.
    /// </summary>
    public async Task<IReadOnlyList<PutRecordResult>> PutRecordsAsync(IReadOnlyList<PutRecordEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var started = _time.GetTimestamp();
        var now = _time.GetUtcNow();
        var byShard = new List<int>?[_shards.Length];
        var shardOf = new Shard[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var shard = shardOf[i] = ShardOf(entries[i]);
            (byShard[shard.Index] ??= []).Add(i);
        }

        var results = new PutRecordResult[entries.Count];
        var writes = new List<Task>(_shards.Length);
        var perShard = new List<(Shard Shard, List<int> Positions, StoredRecord?[] Accepted)>();
        foreach (var shard in _shards)
        {
            if (byShard[shard.Index] is not { } positions)
            {
                continue;
            }

            var accepted = new StoredRecord?[positions.Count];
            writes.Add(shard.Write([.. positions.Select(p => entries[p])], now, accepted));
            perShard.Add((shard, positions, accepted));
        }

        await Task.WhenAll(writes).WaitAsync(cancellationToken).ConfigureAwait(false);
        int successful = 0, throttled = 0;
        long bytes = 0;
        foreach (var (shard, positions, accepted) in perShard)
        {
            int shardRecords = 0, shardThrottled = 0;
            long shardBytes = 0, shardUnits = 0;
            for (var j = 0; j < positions.Count; j++)
            {
                results[positions[j]] = Result(shard, accepted[j]);
                if (accepted[j] is { } record)
                {
                    shardRecords++;
                    shardBytes += record.Data.Length;
                    shardUnits += Paywatch.Cost.BillingUnits.PutPayloadUnits(record.Data.Length);
                }
                else
                {
                    shardThrottled++;
                }
            }

            if (shardRecords > 0)
            {
                _metrics?.Incoming(shard.ShardId, shardRecords, shardBytes);
                Accepted(shardRecords, shardUnits);
            }

            if (shardThrottled > 0)
            {
                Throttled(shard, shardThrottled);
            }

            successful += shardRecords;
            throttled += shardThrottled;
            bytes += shardBytes;
        }

        _metrics?.PutRecords(entries.Count, successful, throttled, bytes, _time.GetElapsedTime(started));
        return results;
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredRecord> Read(string shardId, UInt128? after, int maxRecords, int maxBytes) =>
        Find(shardId).Read(after, maxRecords, maxBytes);

    /// <inheritdoc />
    public bool HasRecordsAfter(string shardId, UInt128? after) => Find(shardId).HasRecordsAfter(after);

    /// <inheritdoc />
    public Task WaitForRecordsAsync(string shardId, UInt128? after, CancellationToken cancellationToken) =>
        Find(shardId).WaitForRecordsAsync(after, cancellationToken);

    /// <summary>The last acknowledged sequence number of the shard (a LATEST iterator reads after it).</summary>
    public UInt128 LatestSequenceNumber(string shardId) => Find(shardId).LatestSequenceNumber;

    /// <summary>The shard's newest retained record, if any.</summary>
    public StoredRecord? LastRecord(string shardId) => Find(shardId).LastRecord();

    /// <summary>The position (read after it) of the first record that arrived at or after <paramref name="timestamp"/> (AT_TIMESTAMP).</summary>
    public UInt128 PositionAt(string shardId, DateTimeOffset timestamp) => Find(shardId).PositionAt(timestamp);

    /// <summary>Whether <paramref name="sequenceNumber"/> is one this shard could have assigned.</summary>
    public bool IsSequenceNumberOfShard(string shardId, UInt128 sequenceNumber) => Find(shardId).Owns(sequenceNumber);

    /// <inheritdoc />
    /// <remarks>The event-source mapping's poller calls this after each read, as GetRecords does.</remarks>
    public void RecordRead(string shardId, int records, long bytes, TimeSpan iteratorAge) =>
        _metrics?.RecordRead(shardId, records, bytes, iteratorAge);

    public async ValueTask DisposeAsync()
    {
        foreach (var shard in _shards)
        {
            await shard.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Shard Find(string shardId) =>
        _shardsById.TryGetValue(shardId, out var shard)
            ? shard
            : throw new KeyNotFoundException($"Shard {shardId} in stream {StreamName} under account {Options.AccountId} does not exist");

    private Shard ShardOf(PutRecordEntry entry)
    {
        var hashKey = entry.ExplicitHashKey ?? HashKeyRange.HashPartitionKey(entry.PartitionKey);
        // Ranges are contiguous and ascending; with a handful of shards a scan is as quick as a search.
        foreach (var shard in _shards)
        {
            if (hashKey <= shard.HashKeyRange.EndingHashKey)
            {
                return shard;
            }
        }

        throw new UnreachableException("The ranges cover the whole hash-key space.");
    }

    private PutRecordResult Result(Shard shard, StoredRecord? record) =>
        record is not null
            ? new PutRecordResult(shard.ShardId, record.SequenceNumber)
            : new PutRecordResult(
                shard.ShardId,
                null,
                "ProvisionedThroughputExceededException",
                $"Rate exceeded for shard {shard.ShardId} in stream {StreamName} under account {Options.AccountId}.");

    private void Accepted(long records, long putPayloadUnits)
    {
        Interlocked.Add(ref _incomingRecords, records);
        Interlocked.Add(ref _putPayloadUnits, putPayloadUnits);
    }

    private void Throttled(Shard shard, int records)
    {
        Interlocked.Add(ref _writeThrottledRecords, records);
        _metrics?.WriteThrottled(shard.ShardId, records);
    }
}
