using Paywatch.Local.Functions;
using Paywatch.Local.Queues;
using Paywatch.Local.Streams;

namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// One shard of the mapping: reads its records, deals them to the lanes by partition key, and keeps the durable
/// checkpoint at the last record before which everything is complete, so a restart reprocesses what a lane had
/// not finished (at least once, as Lambda) and never skips it.
/// </summary>
internal sealed class ShardPoller : IDisposable
{
    // Kinesis's GetRecords limits: 10,000 records, 10 MB.
    private const int MaxReadRecords = 10_000;
    private const int MaxReadBytes = 10 * 1024 * 1024;

    private static readonly TimeSpan ReadRetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly IShardSource _source;
    private readonly Func<EventSourceMappingOptions> _options;
    private readonly TimeProvider _time;
    private readonly ShardCheckpointStore _checkpoints;
    private readonly IStreamReadMetrics? _observer;
    private readonly ShardLane[] _lanes;
    private readonly AsyncSignal _room = new();
    private readonly Lock _saveLock = new();

    // Records read and not yet checkpointed, in sequence-number order, each with whether it is complete.
    private readonly List<UInt128> _outstanding = [];
    private readonly List<bool> _completed = [];
    private int _head;
    private UInt128? _readAfter;
    private UInt128? _checkpoint;
    private readonly TimeSpan _checkpointInterval;
    private UInt128? _saved;
    private long _lastSave;
    private long _recordsCompleted;
    private long _recordsDiscarded;
    private long _destinationFailures;

    public ShardPoller(
        string shardId,
        IShardSource source,
        LocalFunctionHost function,
        IFailureDestination? onFailure,
        Func<EventSourceMappingOptions> options,
        ShardCheckpointStore checkpoints,
        IStreamReadMetrics? observer,
        TimeSpan checkpointInterval,
        TimeProvider time)
    {
        ShardId = shardId;
        _checkpointInterval = checkpointInterval;
        _source = source;
        Function = function;
        OnFailure = onFailure;
        _options = options;
        _checkpoints = checkpoints;
        _observer = observer;
        _time = time;
        _lanes = new ShardLane[options().ParallelizationFactor];
        for (var i = 0; i < _lanes.Length; i++)
        {
            _lanes[i] = new ShardLane(this, time);
        }
    }

    /// <summary>The mapping's settings as they are now: read for each batch, so an update applies from the next one.</summary>
    public EventSourceMappingOptions Options => _options();

    public string ShardId { get; }

    public string StreamArn => _source.StreamArn;

    public LocalFunctionHost Function { get; }

    public IFailureDestination? OnFailure { get; }

    /// <summary>Guards the lanes' queues of new records and the outstanding list.</summary>
    public Lock Sync { get; } = new();

    public UInt128? Checkpoint
    {
        get
        {
            lock (Sync)
            {
                return _checkpoint;
            }
        }
    }

    public long RecordsCompleted => Interlocked.Read(ref _recordsCompleted);

    /// <summary>Records read ahead of the lanes: two full batches per lane (more after the batch size grows).</summary>
    private int Capacity => Math.Max(Options.BatchSize * _lanes.Length * 2, 1_000);

    public long RecordsDiscarded => Interlocked.Read(ref _recordsDiscarded);

    public long DestinationFailures => Interlocked.Read(ref _destinationFailures);

    /// <summary>The last fault outside the function (the on-failure destination failing, or the twin itself), if any.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>
    /// Resumes from the checkpoint, or fixes the starting position and checkpoints it at once (so a restart before the
    /// first batch does not move LATEST on). A checkpoint missing from a mapping that existed, or unreadable, falls
    /// back to the oldest retained record, as TRIM_HORIZON would: records may be processed again, none is skipped.
    /// A checkpoint past the shard's numbering moves the numbering above it.
    /// </summary>
    public void Initialize()
    {
        var (state, after) = _checkpoints.Load(ShardId);
        var path = _checkpoints.PathOf(ShardId);
        if (state == CheckpointState.Unreadable || (state == CheckpointState.Missing && _checkpoints.MappingExisted))
        {
            after = null;
            _checkpoints.Report.Add(path,
                $"{(state == CheckpointState.Missing ? "missing" : "unreadable")}; the shard is processed again from its oldest retained record (TRIM_HORIZON): records done before may be processed again, none is skipped");
            _checkpoints.Save(ShardId, after);
        }
        else if (state == CheckpointState.Missing)
        {
            after = null;
            if (Options.StartingPosition == StartingPosition.Latest)
            {
                // The source offers no "latest" read: walk to the end once, at the mapping's creation.
                while (_source.Read(ShardId, after, MaxReadRecords, MaxReadBytes) is { Count: > 0 } records)
                {
                    after = records[^1].SequenceNumber;
                }
            }

            _checkpoints.Save(ShardId, after);
        }

        if (after is { } done && _source.EnsureNumberingAbove(ShardId, done))
        {
            _checkpoints.Report.Add(path,
                $"the checkpoint ({done}) is past the shard's last sequence number: the stream lost the records up to it; new records are numbered above it");
        }

        _readAfter = _checkpoint = _saved = after;
        _lastSave = _time.GetTimestamp();
    }

    /// <summary>Reads what the lanes have room for and deals it out.</summary>
    /// <returns>Records read.</returns>
    public int Fill()
    {
        IReadOnlyList<StoredRecord> records;
        lock (Sync)
        {
            var room = Capacity - (_outstanding.Count - _head);
            if (room <= 0)
            {
                return 0;
            }

            records = _source.Read(ShardId, _readAfter, Math.Min(room, MaxReadRecords), MaxReadBytes);
            long bytes = 0;
            foreach (var record in records)
            {
                _lanes[LaneOf(record.PartitionKey)].Enqueue(record);
                _outstanding.Add(record.SequenceNumber);
                _completed.Add(false);
                bytes += record.Data.Length;
            }

            if (records.Count > 0)
            {
                _readAfter = records[^1].SequenceNumber;
            }

            _observer?.RecordRead(ShardId, records.Count, bytes,
                records.Count > 0 ? _time.GetUtcNow() - records[^1].ApproximateArrivalTimestamp : TimeSpan.Zero);
        }

        if (records.Count > 0)
        {
            foreach (var lane in _lanes)
            {
                lane.Signal.Set();
            }
        }

        return records.Count;
    }

    /// <summary>Every record there is has been read (or the lanes are full) and every lane is idle at <paramref name="now"/>.</summary>
    public bool IsIdle(DateTimeOffset now)
    {
        lock (Sync)
        {
            if (_outstanding.Count - _head < Capacity && _source.HasRecordsAfter(ShardId, _readAfter))
            {
                return false;
            }
        }

        return Array.TrueForAll(_lanes, lane => lane.IsIdle(now));
    }

    /// <summary>One invocation at most per lane, all lanes at once (tests drive the mapping with this).</summary>
    public async Task<bool> StepLanesAsync(CancellationToken cancellationToken)
    {
        var steps = new Task<bool>[_lanes.Length];
        for (var i = 0; i < _lanes.Length; i++)
        {
            steps[i] = _lanes[i].StepAsync(cancellationToken).AsTask();
        }

        var done = await Task.WhenAll(steps).ConfigureAwait(false);
        return done.Any(d => d);
    }

    /// <summary>
    /// The shard's reader and its lanes until <paramref name="drain"/>: then the reader stops and each lane ends after
    /// the invocation it has under way; <paramref name="abort"/> cuts that invocation short.
    /// </summary>
    public Task RunAsync(CancellationToken drain, CancellationToken abort) =>
        Task.WhenAll([ReadLoopAsync(drain), .. _lanes.Select(lane => LaneLoopAsync(lane, drain, abort))]);

    /// <summary>Marks records complete (processed, or given up on) and moves the checkpoint over every complete prefix.</summary>
    public void Complete(ReadOnlySpan<StoredRecord> records)
    {
        if (records.IsEmpty)
        {
            return;
        }

        bool advanced = false;
        lock (Sync)
        {
            foreach (var record in records)
            {
                var index = _outstanding.BinarySearch(_head, _outstanding.Count - _head, record.SequenceNumber, null);
                if (index >= 0)
                {
                    _completed[index] = true;
                }
            }

            while (_head < _outstanding.Count && _completed[_head])
            {
                _checkpoint = _outstanding[_head];
                _head++;
                advanced = true;
            }

            if (_head > 4096 && _head * 2 > _outstanding.Count)
            {
                _outstanding.RemoveRange(0, _head);
                _completed.RemoveRange(0, _head);
                _head = 0;
            }
        }

        Interlocked.Add(ref _recordsCompleted, records.Length);
        if (advanced)
        {
            SaveCheckpoint(force: false);
            _room.Set();
        }
    }

    /// <summary>Wakes the reader and the lanes after the settings changed, so that waits timed by the old ones end.</summary>
    public void OptionsChanged()
    {
        _room.Set();
        foreach (var lane in _lanes)
        {
            lane.Signal.Set();
        }
    }

    public void Discarded(int records) => Interlocked.Add(ref _recordsDiscarded, records);

    public void DestinationFailed(Exception error)
    {
        LastError = error;
        Interlocked.Increment(ref _destinationFailures);
    }

    public void Dispose()
    {
        _room.Dispose();
        foreach (var lane in _lanes)
        {
            lane.Dispose();
        }
    }

    /// <summary>FNV-1a of the partition key: stable across restarts, so a key keeps its lane.</summary>
    internal int LaneOf(string partitionKey)
    {
        var hash = 2166136261u;
        foreach (var c in partitionKey)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)_lanes.Length);
    }

    /// <summary>Writes the checkpoint if it moved since the last write (the lanes call it when idle, the mapping when it stops).</summary>
    public void FlushCheckpoint() => SaveCheckpoint(force: true);

    /// <summary>
    /// Writes the checkpoint at most once per interval while records flow (a file replace costs about half a
    /// millisecond, more than a batch of 100 takes), and at once when forced. What a crash loses is only the
    /// knowledge that the last interval's records were done: they are processed again, never skipped.
    /// </summary>
    private void SaveCheckpoint(bool force)
    {
        lock (_saveLock)
        {
            var checkpoint = Checkpoint;
            if (checkpoint == _saved || (!force && _time.GetElapsedTime(_lastSave) < _checkpointInterval))
            {
                return;
            }

            _checkpoints.Save(ShardId, checkpoint);
            _saved = checkpoint;
            _lastSave = _time.GetTimestamp();
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await ReadOnceAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The stream failing must not end the shard's reader for good: note it, pause, read again.
                    LastError = e;
                    await Task.Delay(ReadRetryDelay, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads once, or waits for records (or for room in the lanes) when there is nothing to read.</summary>
    private async Task ReadOnceAsync(CancellationToken cancellationToken)
    {
        if (Fill() > 0)
        {
            return;
        }

        bool full;
        UInt128? after;
        lock (Sync)
        {
            full = _outstanding.Count - _head >= Capacity;
            after = _readAfter;
        }

        if (full)
        {
            await _room.WaitAsync(null, _time, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _source.WaitForRecordsAsync(ShardId, after, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task LaneLoopAsync(ShardLane lane, CancellationToken drain, CancellationToken abort)
    {
        try
        {
            while (!drain.IsCancellationRequested)
            {
                bool progressed;
                try
                {
                    progressed = await lane.StepAsync(abort).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !abort.IsCancellationRequested)
                {
                    // Not the function's error (those are results): a fault of the twin itself. Back off and go on.
                    LastError = e;
                    lane.BackOff();
                    progressed = false;
                }

                if (progressed)
                {
                    continue;
                }

                FlushCheckpoint();

                var due = lane.NextDeadline();
                await lane.Signal.WaitAsync(due is { } at ? at - _time.GetUtcNow() : null, _time, drain).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested || abort.IsCancellationRequested)
        {
        }
    }
}
