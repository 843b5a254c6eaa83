using Paywatch.Local.Functions;
using Paywatch.Local.Streams;

namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// One of a shard's <c>ParallelizationFactor</c> concurrent batch streams. Records of a partition key always come to
/// the same lane, which handles one batch at a time, so they are processed in order
/// (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html, "Lambda ... processes ... records with the same
/// partition key in order"). A lane owns its retries, bisected halves and tumbling-window state; only its queue of
/// new records is shared (with the shard's reader, under <see cref="ShardPoller.Sync"/>).
/// </summary>
internal sealed class ShardLane : IDisposable
{
    // Lambda's 6 MB synchronous payload limit caps a batch (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html,
    // "the batch reaches the payload limit of 6 MB"); each record also costs its JSON envelope.
    private const long PayloadLimitBytes = 6 * 1024 * 1024;
    private const int RecordEnvelopeBytes = 500;

    // Window state is limited to 1 MB per shard (services-kinesis-windows.html); beyond it the window ends early.
    private const int StateLimitBytes = 1024 * 1024;

    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaximumBackoff = TimeSpan.FromSeconds(5);
    private static readonly byte[] EmptyState = "{}"u8.ToArray();

    private readonly ShardPoller _shard;
    private readonly TimeProvider _time;
    private readonly Queue<StoredRecord> _pending = new();
    private readonly Stack<LaneBatch> _owed = new();
    private DateTimeOffset? _gatherStart;
    private DateTimeOffset _notBefore = DateTimeOffset.MinValue;
    private TimeSpan _backoff = InitialBackoff;
    private TumblingWindowRange? _window;
    private ReadOnlyMemory<byte> _state = EmptyState;
    private bool _terminatedEarly;
    // The lane's events are written here, one at a time: a new array per event (often past the large-object
    // threshold, with the window state) kept the GC busy. Replaced when a function may still be reading it.
    private ArrayBufferWriter<byte> _event = new();

    public ShardLane(ShardPoller shard, TimeProvider time)
    {
        _shard = shard;
        _time = time;
    }

    /// <summary>Set when new records are queued for this lane.</summary>
    public AsyncSignal Signal { get; } = new();

    /// <summary>Queues a record read from the shard; the caller holds <see cref="ShardPoller.Sync"/>.</summary>
    public void Enqueue(StoredRecord record) => _pending.Enqueue(record);

    /// <summary>When this lane next has something to do without new records: a backoff ending, a batching window or a tumbling window closing.</summary>
    public DateTimeOffset? NextDeadline()
    {
        DateTimeOffset? due = null;
        if (_notBefore > _time.GetUtcNow())
        {
            return _notBefore;
        }

        lock (_shard.Sync)
        {
            if (_gatherStart is { } gathering && _pending.Count > 0)
            {
                due = gathering + _shard.Options.MaximumBatchingWindow;
            }
        }

        if (_window is { } window && (due is null || window.End < due))
        {
            due = window.End;
        }

        return due;
    }

    /// <summary>
    /// The lane waits and has nothing due at <paramref name="now"/>: no records it has not looked at, no owed batch past
    /// its backoff, no batching or tumbling window ending. The state decides, not the loop, so a wait whose deadline
    /// has passed counts as busy before the loop resumes.
    /// </summary>
    public bool IsIdle(DateTimeOffset now)
    {
        if (!Signal.IsWaiting || (_owed.Count > 0 && now >= _notBefore))
        {
            return false;
        }

        lock (_shard.Sync)
        {
            if (_pending.Count > 0 && _gatherStart is null)
            {
                return false;
            }
        }

        return NextDeadline() is not { } due || due > now;
    }

    /// <summary>Makes at most one invocation: an owed batch first, else a new batch when one is ready.</summary>
    /// <returns>Whether anything was done.</returns>
    public async ValueTask<bool> StepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now < _notBefore)
        {
            return false;
        }

        var batch = _owed.Count > 0 ? _owed.Pop() : TakeBatch(now);
        if (batch is null)
        {
            return false;
        }

        try
        {
            await ProcessAsync(batch, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A fault of the twin, not of the function: the batch is kept (its records may be sent again), never lost,
            // or the checkpoint could not pass it until a restart.
            _owed.Push(batch);
            throw;
        }

        return true;
    }

    /// <summary>Holds the lane back after a fault outside the function (the on-failure destination failing).</summary>
    public void BackOff()
    {
        _notBefore = _time.GetUtcNow() + _backoff;
        _backoff = _backoff * 2 < MaximumBackoff ? _backoff * 2 : MaximumBackoff;
    }

    public void Dispose() => Signal.Dispose();

    private LaneBatch? TakeBatch(DateTimeOffset now)
    {
        lock (_shard.Sync)
        {
            if (_pending.Count == 0)
            {
                _gatherStart = null;
                // Every record of a window has arrived once the clock passes its end: the window's final invocation.
                return _window is { } open && now >= open.End ? new LaneBatch(ArraySegment<StoredRecord>.Empty, 0, 0, open, true, null) : null;
            }

            _gatherStart ??= now;
            // Read once per batch: an update (UpdateEventSourceMapping) applies from the next batch on.
            var options = _shard.Options;
            var first = _pending.Peek();
            TumblingWindowRange? window = options.TumblingWindow > TimeSpan.Zero
                ? TumblingWindowRange.Of(first.ApproximateArrivalTimestamp, options.TumblingWindow)
                : null;
            if (_window is { } previous && window != previous
                && (window is not { } next || previous.Start < next.Start || next.End - next.Start != previous.End - previous.Start))
            {
                // A later window's records are here, or the window's length was changed or windows turned off: the
                // open window gets its final invocation first.
                return new LaneBatch(ArraySegment<StoredRecord>.Empty, 0, 0, previous, true, null);
            }

            int count = 0;
            long bytes = 0;
            bool full = false, windowEnds = false;
            foreach (var record in _pending)
            {
                if (count == options.BatchSize)
                {
                    full = true;
                    break;
                }

                if (window is { } current && TumblingWindowRange.Of(record.ApproximateArrivalTimestamp, options.TumblingWindow) != current)
                {
                    full = windowEnds = true;
                    break;
                }

                var size = (((long)record.Data.Length + 2) / 3 * 4) + RecordEnvelopeBytes + record.PartitionKey.Length;
                if (count > 0 && bytes + size > PayloadLimitBytes)
                {
                    full = true;
                    break;
                }

                count++;
                bytes += size;
            }

            full |= count == options.BatchSize;
            // "Lambda reads records ... until it has gathered a full batch, the batching window expires, or the batch
            // reaches the payload limit of 6 MB" (with-kinesis.html, Polling and batching streams).
            if (!full && now - _gatherStart.Value < options.MaximumBatchingWindow)
            {
                return null;
            }

            var records = new StoredRecord[count];
            for (var i = 0; i < count; i++)
            {
                records[i] = _pending.Dequeue();
            }

            _gatherStart = _pending.Count > 0 ? now : null;
            var isFinal = window is { } range && (windowEnds || (now >= range.End && _pending.Count == 0));
            return new LaneBatch(records, 0, 0, window, isFinal, null);
        }
    }

    private async Task ProcessAsync(LaneBatch batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (batch.GivenUp is { } condition)
        {
            await GiveUpOrKeepAsync(batch, condition, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Records past MaximumRecordAgeInSeconds are not sent, whether first tried or retried
        // (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html).
        var expired = 0;
        while (expired < batch.Records.Count && now - batch.Records[expired].ApproximateArrivalTimestamp > _shard.Options.MaximumRecordAge)
        {
            expired++;
        }

        if (expired > 0)
        {
            if (!await GiveUpAsync(batch.Records[..expired], OnFailureInvocationRecord.RecordAgeExceeded, batch, cancellationToken).ConfigureAwait(false))
            {
                _owed.Push(batch);
                return;
            }

            batch = batch with { Records = batch.Records[expired..] };
            if (batch.Records.Count == 0 && !batch.IsFinal)
            {
                return;
            }
        }

        KinesisEventWriter.WindowPart? windowPart = null;
        if (batch.Window is { } window)
        {
            if (_window != window)
            {
                _window = window;
                _state = EmptyState;
            }

            windowPart = new KinesisEventWriter.WindowPart(window, _state, batch.IsFinal, _terminatedEarly);
        }

        var payload = KinesisEventWriter.Write(_event, batch.Records, _shard.ShardId, _shard.StreamArn, _shard.Options.Region, _shard.Function.Options.RoleArn, windowPart);
        if (batch.Records.Count > 0)
        {
            _shard.Function.ReportIteratorAge(now - batch.Records[^1].ApproximateArrivalTimestamp);
        }

        var result = await _shard.Function.InvokeAsync(payload, cancellationToken, caller: this).ConfigureAwait(false);
        if (result.Status == InvocationStatus.Throttled)
        {
            // A throttle is not a function error: Lambda retries it, without spending retries, until the records
            // expire (kinesis-on-failure-destination.html, "Before invocation"), backing off meanwhile.
            _owed.Push(batch);
            BackOff();
            return;
        }

        _backoff = InitialBackoff;
        batch = batch with { InvokeCount = batch.InvokeCount + 1, LastResult = result };
        if (result.Status == InvocationStatus.FunctionError)
        {
            // A function that timed out may still be running, reading the event: it keeps that buffer.
            _event = new ArrayBufferWriter<byte>();
            await FailAsync(batch, bisect: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        var response = StreamsEventResponse.Parse(result.Payload, batch.Records, _shard.Options.ReportBatchItemFailures);
        if (response.Outcome != StreamsEventResponse.Kind.Failure && windowPart is not null && response.State is null)
        {
            // "If the response does not contain a state property, Lambda considers this a failed invocation" (services-kinesis-windows.html).
            response = response with { Outcome = StreamsEventResponse.Kind.Failure, Problem = "the response has no state" };
        }

        switch (response.Outcome)
        {
            case StreamsEventResponse.Kind.Success:
                KeepState(response.State, windowPart);
                _shard.Complete(batch.Records);
                if (batch.IsFinal)
                {
                    CloseWindow();
                }

                break;
            case StreamsEventResponse.Kind.PartialFailure:
                // Checkpoint before the lowest reported record; retry from it. With bisection on as well, the batch
                // is split there and only the rest retried (services-kinesis-batchfailurereporting.html).
                KeepState(response.State, windowPart);
                _shard.Complete(batch.Records[..response.RetryFrom]);
                await RetryOrGiveUpAsync(batch with { Records = batch.Records[response.RetryFrom..] }, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await FailAsync(batch, bisect: false, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task FailAsync(LaneBatch batch, bool bisect, CancellationToken cancellationToken)
    {
        if (bisect && _shard.Options.BisectBatchOnFunctionError && batch.Records.Count > 1)
        {
            // "Splitting batches doesn't consume the retry quota" (kinesis-on-failure-destination.html). The first
            // half goes first, so records stay in order; only the second half can close the window.
            var half = batch.Records.Count / 2;
            _owed.Push(batch with { Records = batch.Records[half..] });
            _owed.Push(batch with { Records = batch.Records[..half], IsFinal = false });
            return;
        }

        await RetryOrGiveUpAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    private async Task RetryOrGiveUpAsync(LaneBatch batch, CancellationToken cancellationToken)
    {
        if (batch.RetriesUsed < _shard.Options.MaximumRetryAttempts)
        {
            _owed.Push(batch with { RetriesUsed = batch.RetriesUsed + 1 });
            return;
        }

        await GiveUpOrKeepAsync(batch, OnFailureInvocationRecord.RetryAttemptsExhausted, cancellationToken).ConfigureAwait(false);
    }

    private async Task GiveUpOrKeepAsync(LaneBatch batch, string condition, CancellationToken cancellationToken)
    {
        if (batch.Records.Count > 0 && !await GiveUpAsync(batch.Records, condition, batch, cancellationToken).ConfigureAwait(false))
        {
            _owed.Push(batch with { GivenUp = condition });
            return;
        }

        if (batch.IsFinal)
        {
            CloseWindow();
        }
    }

    /// <summary>Sends the batch's metadata to the on-failure destination and moves the shard past it.</summary>
    /// <returns>False when the destination failed; the caller keeps the batch and the lane backs off.</returns>
    private async Task<bool> GiveUpAsync(ArraySegment<StoredRecord> records, string condition, LaneBatch batch, CancellationToken cancellationToken)
    {
        if (_shard.OnFailure is { } destination)
        {
            var message = OnFailureInvocationRecord.Write(
                records,
                condition,
                batch.InvokeCount,
                batch.LastResult?.RequestId ?? Guid.NewGuid().ToString(),
                batch.LastResult?.StatusCode ?? 200,
                batch.LastResult?.FunctionError,
                _shard.Function.Options.FunctionArn,
                _shard.ShardId,
                _shard.StreamArn,
                _time.GetUtcNow());
            try
            {
                await destination.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _shard.DestinationFailed(e);
                BackOff();
                return false;
            }
        }

        _shard.Discarded(records.Count);
        _shard.Complete(records);
        return true;
    }

    private void KeepState(ReadOnlyMemory<byte>? state, KinesisEventWriter.WindowPart? windowPart)
    {
        if (windowPart is null || state is not { } kept)
        {
            return;
        }

        if (_terminatedEarly)
        {
            // The invocation told of the early end was the last with the old state; the window goes on afresh.
            _terminatedEarly = false;
            _state = EmptyState;
            return;
        }

        _state = kept;
        _terminatedEarly = kept.Length > StateLimitBytes;
    }

    private void CloseWindow()
    {
        _window = null;
        _state = EmptyState;
        _terminatedEarly = false;
    }
}
