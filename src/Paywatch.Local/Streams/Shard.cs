using System.Globalization;
using System.Threading.Channels;
using Paywatch.Local.Storage;

namespace Paywatch.Local.Streams;

/// <summary>
/// One shard of a <see cref="DurableStream"/>: sequence numbers are assigned in arrival order under a lock, and a
/// single flusher (group commit) writes whatever is queued to the segment log, fsyncs once, then makes those records
/// readable and completes all their acknowledgements. A record is thus never readable, nor acknowledged, before it is
/// on disk, and one fsync serves every writer that queued while the previous one ran.
/// </summary>
internal sealed class Shard : IAsyncDisposable
{
    /// <summary>Sequence numbers are <c>49 × 10³⁶ + shard index × 10³⁰ + n</c>: 38 decimal digits, unique across the stream.</summary>
    private static readonly UInt128 SequenceBase = 49 * UInt128.Parse("1" + new string('0', 36), CultureInfo.InvariantCulture);
    private static readonly UInt128 ShardStride = UInt128.Parse("1" + new string('0', 30), CultureInfo.InvariantCulture);
    private const int MaxFlushBytes = 8 * 1024 * 1024;

    /// <summary>Sequence numbers reserved per high-water-mark write: at 1,000 records a second, one write in about 17 minutes.</summary>
    private static readonly UInt128 ReservationBlock = 1 << 20;

    private readonly Lock _lock = new();
    private readonly ShardRecordIndex _records = new();
    private readonly ShardSegmentLog _log;
    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ShardWriteLimiter? _limiter;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _flusherStopped = NewSignal();
    private TaskCompletionSource _arrived = NewSignal();
    private UInt128 _lastAssigned;
    private UInt128 _lastDurable;
    private IOException? _failure;
    private readonly long _memoryBytes;
    /// <summary>Whether some retained records are no longer in memory (read back from the segment files).</summary>
    private bool _onDiskOnly;
    private byte[] _buffer = new byte[64 * 1024];
    private readonly List<(StoredRecord Record, int Size)> _framed = [];

    public Shard(int index, HashKeyRange range, string directory, DurableStreamOptions options, TimeProvider time, DataFolderReport report)
    {
        Index = index;
        ShardId = "shardId-" + index.ToString("D12", CultureInfo.InvariantCulture);
        HashKeyRange = range;
        StartingSequenceNumber = SequenceBase + ((UInt128)index * ShardStride);
        _retention = options.Retention;
        _time = time;
        _limiter = options.EnforceShardWriteLimits ? new ShardWriteLimiter() : null;
        _log = new ShardSegmentLog(Path.Combine(directory, ShardId), options.SegmentBytes);
        _lastAssigned = StartingSequenceNumber;
        _memoryBytes = options.MemoryBytesPerShard;
        _log.Recover(
            record =>
            {
                // A copy: the recovered record is a slice of its whole segment file, which it would otherwise keep alive.
                _records.Append(record with { Data = record.Data.ToArray() });
                _onDiskOnly |= _records.TrimToBytes(_memoryBytes);
                _lastAssigned = record.SequenceNumber;
            },
            report);
        ResumeNumbering(report);
        _lastDurable = _lastAssigned;
        _log.Reserve(_lastAssigned + ReservationBlock);
        _records.TrimBefore(time.GetUtcNow() - _retention);
        // A thread of its own, not the thread pool's: fsync blocks, and five shards blocking pool threads on two cores
        // would starve the request handlers until the pool grows.
        new Thread(FlushLoop) { IsBackground = true, Name = $"{options.StreamName} {ShardId} flusher" }.Start();
    }

    public int Index { get; }

    private string Folder => Path.GetDirectoryName(_log.HighWaterMarkPath)!;

    public string ShardId { get; }

    public HashKeyRange HashKeyRange { get; }

    /// <summary>No record of this shard has a sequence number at or below this one.</summary>
    public UInt128 StartingSequenceNumber { get; }

    /// <summary>The last acknowledged sequence number, or <see cref="StartingSequenceNumber"/> before the first record.</summary>
    public UInt128 LatestSequenceNumber
    {
        get
        {
            lock (_lock)
            {
                return _lastDurable;
            }
        }
    }

    /// <summary>
    /// Makes sure no record is numbered at or below <paramref name="floor"/> (a checkpoint past the shard's last
    /// sequence number: the segments and high-water mark holding it were lost).
    /// </summary>
    /// <returns>Whether numbering had to move up.</returns>
    public bool RaiseFloor(UInt128 floor)
    {
        lock (_lock)
        {
            if (floor <= _lastAssigned)
            {
                return false;
            }

            // Nothing under way (every number assigned is durable): LATEST moves up with the numbering.
            if (_lastDurable == _lastAssigned)
            {
                _lastDurable = floor;
            }

            _lastAssigned = floor;

            return true;
        }
    }

    public bool Owns(UInt128 sequenceNumber) =>
        sequenceNumber > StartingSequenceNumber && sequenceNumber - StartingSequenceNumber < ShardStride;

    /// <summary>
    /// Queues records, in order; <paramref name="accepted"/> gets each one's stored form, or null where the write limit
    /// refused it.
    /// </summary>
    /// <returns>Completes when every accepted record is durable (at once when none was).</returns>
    public Task Write(IReadOnlyList<PutRecordEntry> entries, DateTimeOffset now, StoredRecord?[] accepted)
    {
        var records = new List<StoredRecord>(entries.Count);
        PendingWrite? pending = null;
        lock (_lock)
        {
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                if (_limiter is not null && !_limiter.TryAcquire(entry.Size, now))
                {
                    accepted[i] = null;
                    continue;
                }

                var record = new StoredRecord(++_lastAssigned, entry.PartitionKey, entry.Data, now);
                records.Add(record);
                accepted[i] = record;
            }

            if (records.Count > 0)
            {
                pending = new PendingWrite(records);
                // Inside the lock, so the flusher sees writes in sequence-number order.
                ObjectDisposedException.ThrowIf(!_pending.Writer.TryWrite(pending), this);
            }
        }

        return pending?.Durable.Task ?? Task.CompletedTask;
    }

    public List<StoredRecord> Read(UInt128? after, int maxRecords, int maxBytes)
    {
        var cutoff = _time.GetUtcNow() - _retention;
        UInt128 lastDurable;
        lock (_lock)
        {
            _records.TrimBefore(cutoff);
            lastDurable = _lastDurable;
            if (!_onDiskOnly || (_records.First is { } first && after >= first.SequenceNumber - 1))
            {
                return ReadInMemory(after, maxRecords, maxBytes);
            }
        }

        // Older than what memory holds. Only durable records: the active segment may hold some not yet fsynced.
        var fromDisk = _log.Read(after, maxRecords, maxBytes, cutoff);
        fromDisk.RemoveAll(r => r.SequenceNumber > lastDurable);
        if (fromDisk.Count > 0)
        {
            return fromDisk;
        }

        lock (_lock)
        {
            return ReadInMemory(after, maxRecords, maxBytes);
        }
    }

    private List<StoredRecord> ReadInMemory(UInt128? after, int maxRecords, int maxBytes)
    {
        {
            var result = new List<StoredRecord>(Math.Min(maxRecords, 1024));
            long bytes = 0;
            for (var i = _records.FirstAfter(after); i < _records.Count && result.Count < maxRecords; i++)
            {
                var record = _records[i];
                if (result.Count > 0 && bytes + record.Data.Length > maxBytes)
                {
                    break;
                }

                result.Add(record);
                bytes += record.Data.Length;
            }

            return result;
        }
    }

    /// <summary>The position just before the first record that arrived at or after <paramref name="timestamp"/>.</summary>
    public UInt128 PositionAt(DateTimeOffset timestamp)
    {
        var cutoff = _time.GetUtcNow() - _retention;
        lock (_lock)
        {
            if (!_onDiskOnly || (_records.First is { } first && first.ApproximateArrivalTimestamp <= timestamp))
            {
                var i = _records.FirstAtOrAfter(timestamp);
                return i < _records.Count ? _records[i].SequenceNumber - 1 : _records.Last?.SequenceNumber ?? _lastDurable;
            }
        }

        // The first record at or after the timestamp is one no longer in memory (or the first in memory).
        var onDisk = _log.Read(null, 1, 1, timestamp > cutoff ? timestamp : cutoff);
        lock (_lock)
        {
            return onDisk.Count > 0 ? onDisk[0].SequenceNumber - 1
                : _records.First is { } first ? first.SequenceNumber - 1
                : _lastDurable;
        }
    }

    public StoredRecord? LastRecord()
    {
        lock (_lock)
        {
            return _records.Last;
        }
    }

    public bool HasRecordsAfter(UInt128? after)
    {
        lock (_lock)
        {
            return _records.FirstAfter(after) < _records.Count;
        }
    }

    public async Task WaitForRecordsAsync(UInt128? after, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task arrived;
            lock (_lock)
            {
                if (_records.FirstAfter(after) < _records.Count)
                {
                    return;
                }

                arrived = _arrived.Task;
            }

            await arrived.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _flusherStopped.Task.ConfigureAwait(false);
        if (_failure is null)
        {
            _log.CloseCleanly(_lastDurable);
        }

        _log.Dispose();
    }

    private void FlushLoop()
    {
        try
        {
            FlushUntilCompleted();
        }
        finally
        {
            _flusherStopped.TrySetResult();
        }
    }

    private void FlushUntilCompleted()
    {
        var batch = new List<PendingWrite>();
        var reader = _pending.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            _framed.Clear();
            var length = 0;
            while (length < MaxFlushBytes && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                length = Encode(pending.Records, length);
            }

            if (_failure is not null)
            {
                Fail(batch, _failure);
                continue;
            }

            try
            {
                // The numbers are reserved durably before the records that carry them are acknowledged.
                if (_framed[^1].Record.SequenceNumber > _log.Reserved)
                {
                    _log.Reserve(_framed[^1].Record.SequenceNumber + ReservationBlock);
                }

                _log.Append(_buffer.AsSpan(0, length), _framed);
                _log.Sync();
            }
            catch (IOException e)
            {
                // What reached the file is unknown: writing after it could put acknowledged records behind a torn
                // frame, which recovery would cut off. The shard refuses every later write instead.
                _failure = e;
                Fail(batch, e);
                continue;
            }

            TaskCompletionSource arrived;
            var cutoff = _time.GetUtcNow() - _retention;
            lock (_lock)
            {
                foreach (var pending in batch)
                {
                    foreach (var record in pending.Records)
                    {
                        _records.Append(record);
                    }
                }

                _lastDurable = _records.Last!.SequenceNumber;
                _records.TrimBefore(cutoff);
                _onDiskOnly |= _records.TrimToBytes(_memoryBytes);
                arrived = _arrived;
                _arrived = NewSignal();
            }

            _log.DeleteSegmentsBefore(cutoff);
            arrived.TrySetResult();
            foreach (var pending in batch)
            {
                pending.Durable.TrySetResult();
            }
        }
    }

    /// <summary>Numbering resumes above every number the shard may have acknowledged: the high-water mark decides.</summary>
    private void ResumeNumbering(DataFolderReport report)
    {
        var lastFound = _lastAssigned;
        if (_log.RecoveredHighWaterMark is not { } mark)
        {
            if (lastFound > StartingSequenceNumber && !File.Exists(_log.HighWaterMarkPath))
            {
                report.Add(_log.HighWaterMarkPath,
                    $"missing (a folder of an earlier release, or deleted): sequence numbers continue above the last record found, {lastFound}, and above the checkpoints");
            }

            return;
        }

        if (mark.Clean && mark.Reserved > lastFound)
        {
            report.Add(Folder,
                $"the last clean stop had acknowledged sequence numbers up to {mark.Reserved}, the segment files end at {lastFound}: {mark.Reserved - lastFound} acknowledged records are lost with deleted or damaged segment data; numbering continues above {mark.Reserved}");
        }

        if (mark.Reserved > _lastAssigned)
        {
            _lastAssigned = mark.Reserved;
        }
    }

    private static void Fail(List<PendingWrite> batch, IOException failure)
    {
        foreach (var pending in batch)
        {
            pending.Durable.TrySetException(failure);
        }
    }

    /// <returns>The buffer's new length.</returns>
    private int Encode(List<StoredRecord> records, int length)
    {
        foreach (var record in records)
        {
            var size = RecordFrame.Size(record);
            if (length + size > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, length + size));
            }

            var written = RecordFrame.Write(record, _buffer.AsSpan(length));
            _framed.Add((record, written));
            length += written;
        }

        return length;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class PendingWrite(List<StoredRecord> records)
    {
        public List<StoredRecord> Records { get; } = records;

        public TaskCompletionSource Durable { get; } = NewSignal();
    }
}
