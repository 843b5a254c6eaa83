using System.Globalization;
using Paywatch.Local.Storage;

namespace Paywatch.Local.Streams;

/// <summary>
/// One shard of a <see cref="DurableStream"/>: sequence numbers are assigned in arrival order under a lock, and the
/// data folder's group commit (<see cref="GroupCommit{T}"/>) writes whatever is staged to the segment log, fsyncs once,
/// then makes those records readable and completes all their acknowledgements. A record is thus never readable, nor
/// acknowledged, before it is on disk, and one fsync serves every writer that staged while the previous one ran.
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
    private readonly GroupCommit<List<StoredRecord>> _groupCommit;
    private readonly ShardWriteLimiter? _limiter;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _time;
    private TaskCompletionSource _arrived = NewSignal();
    private UInt128 _lastAssigned;
    private UInt128 _lastDurable;
    private readonly long _memoryBytes;
    private readonly long _maxDiskBytes;
    private long _deletedBySizeCap;
    /// <summary>The consumer's checkpoint, once known: the size cap keeps what it has not processed.</summary>
    private Func<UInt128?>? _processedThrough;
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
        _maxDiskBytes = options.MaxBytesPerShard;
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
        // What expired while the twin was stopped goes now; what outgrew the size cap goes once the consumer is known
        // (KeepUnprocessed), so that the cap never takes a record the function has not processed.
        _log.DeleteSegmentsBefore(time.GetUtcNow() - _retention);
        _groupCommit = new GroupCommit<List<StoredRecord>>(
            $"{options.StreamName} {ShardId} group commit", Commit, Committed, records => records.Sum(r => (long)RecordFrame.Size(r)), MaxFlushBytes);
        _groupCommit.Start();
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

    /// <summary>Records deleted with their segment files because the shard's segments outgrew <see cref="DurableStreamOptions.MaxBytesPerShard"/>.</summary>
    public long DeletedBySizeCap => Interlocked.Read(ref _deletedBySizeCap);

    /// <summary>Bytes of segment files past the size cap, kept because their records are not yet processed.</summary>
    public long BytesHeldOverSizeCap => Math.Max(0, _log.Bytes - _maxDiskBytes);

    /// <summary>
    /// From now on the size cap deletes no segment holding a record after <paramref name="processedThrough"/>'s answer
    /// (the consumer's checkpoint; null: nothing processed yet), so only retention can take an unprocessed record, as
    /// on Kinesis; then applies the cap.
    /// </summary>
    public void KeepUnprocessed(Func<UInt128?> processedThrough, DataFolderReport report)
    {
        Volatile.Write(ref _processedThrough, processedThrough);
        if (ApplySizeCap() is > 0 and var deleted)
        {
            report.Add(Folder, $"over its size cap of {_maxDiskBytes:N0} bytes: the oldest processed segment files deleted whole, {deleted:N0} records with them");
        }

        if (BytesHeldOverSizeCap is > 0 and var held)
        {
            report.Add(Folder, $"over its size cap of {_maxDiskBytes:N0} bytes by {held:N0}: kept, because the function has not processed those records yet; they go once processed, or past retention");
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
        Task? durable = null;
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
                // Inside the lock, so the group commit writes records in sequence-number order.
                durable = _groupCommit.Stage(records);
            }
        }

        return durable ?? Task.CompletedTask;
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
        _groupCommit.Complete();
        await _groupCommit.Stopped.ConfigureAwait(false);
        if (_groupCommit.Failure is null)
        {
            _log.CloseCleanly(_lastDurable);
        }

        _log.Dispose();
        _groupCommit.Dispose();
    }

    /// <summary>Writes a group to the segment log and fsyncs it (the group commit's thread).</summary>
    private void Commit(IReadOnlyList<List<StoredRecord>> group)
    {
        _framed.Clear();
        var length = 0;
        foreach (var records in group)
        {
            length = Encode(records, length);
        }

        // The numbers are reserved durably before the records that carry them are acknowledged.
        if (_framed[^1].Record.SequenceNumber > _log.Reserved)
        {
            _log.Reserve(_framed[^1].Record.SequenceNumber + ReservationBlock);
        }

        _log.Append(_buffer.AsSpan(0, length), _framed);
        _log.Sync();
    }

    /// <summary>Makes a durable group readable, and applies retention (the group commit's thread).</summary>
    private void Committed(IReadOnlyList<List<StoredRecord>> group)
    {
        TaskCompletionSource arrived;
        var cutoff = _time.GetUtcNow() - _retention;
        lock (_lock)
        {
            foreach (var records in group)
            {
                foreach (var record in records)
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
        ApplySizeCap();
        arrived.TrySetResult();
    }

    /// <summary>Deletes the oldest segments past the size cap, and their records from memory too.</summary>
    /// <returns>How many records went.</returns>
    private long ApplySizeCap()
    {
        if (_log.DeleteSegmentsOver(_maxDiskBytes, DeletableThrough) is not { } deleted)
        {
            return 0;
        }

        lock (_lock)
        {
            _records.TrimThrough(deleted.LastDeleted);
        }

        Interlocked.Add(ref _deletedBySizeCap, deleted.Records);
        return deleted.Records;
    }

    /// <summary>The last sequence number the size cap may delete: the consumer's checkpoint, once it is known.</summary>
    private UInt128 DeletableThrough() => Volatile.Read(ref _processedThrough) is { } processedThrough
        ? processedThrough() ?? StartingSequenceNumber
        : UInt128.MaxValue;

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
}
