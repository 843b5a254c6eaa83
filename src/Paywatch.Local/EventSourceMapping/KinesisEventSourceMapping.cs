using System.Globalization;
using Paywatch.Local.Functions;
using Paywatch.Local.Queues;
using Paywatch.Local.Streams;

namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// Lambda's Kinesis event source mapping, locally (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html):
/// polls every shard of a stream, invokes the function with batches of records, checkpoints what completed, retries
/// and bisects what failed, and sends what it gives up on to the on-failure destination. Settings are those of
/// infra/lambda.tf (<see cref="EventSourceMappingOptions"/>); checkpoints are durable in
/// <c>checkpointDirectory</c>, one file per shard.
/// </summary>
public sealed class KinesisEventSourceMapping : IAsyncDisposable
{
    private readonly IShardSource _source;
    private readonly ShardPoller[] _shards;
    private readonly TimeProvider _time;
    private readonly Lock _updateLock = new();
    private EventSourceMappingOptions _options;
    private CancellationTokenSource? _running;
    private CancellationTokenSource? _draining;
    private Task _run = Task.CompletedTask;
    private bool _initialized;
    private bool _stopped;

    /// <param name="options">The mapping's settings (defaults: infra/variables.tf).</param>
    /// <param name="source">The stream; its shards are read as they are at construction.</param>
    /// <param name="function">The function host (reserved concurrency, timeout, AWS/Lambda metrics).</param>
    /// <param name="onFailure">The on-failure destination (the DLQ); null drops what is given up on, as Lambda does without one.</param>
    /// <param name="checkpointDirectory">Where the shards' checkpoints live, e.g. <c>{data}/event-source-mappings/transaction-processor-local</c>.</param>
    /// <param name="time">The clock (batching windows, record age, tumbling windows, backoff).</param>
    /// <param name="readObserver">Told of every shard read (AWS/Kinesis GetRecords metrics); optional.</param>
    /// <param name="flushCheckpointsToDisk">Flush each checkpoint to the device before its rename; a killed process never loses one either way.</param>
    /// <param name="checkpointInterval">
    /// While records flow, a shard's checkpoint is written at most this often (default 100 ms), and whenever its lanes go
    /// idle or the mapping stops; zero writes after every batch. A crash makes the mapping process again at most the
    /// records of the last interval.
    /// </param>
    /// <param name="report">Where repairs of the checkpoints are reported (at <see cref="Start"/>); null to drop them.</param>
    public KinesisEventSourceMapping(
        EventSourceMappingOptions options,
        IShardSource source,
        LocalFunctionHost function,
        IFailureDestination? onFailure,
        string checkpointDirectory,
        TimeProvider time,
        IStreamReadMetrics? readObserver = null,
        bool flushCheckpointsToDisk = true,
        TimeSpan? checkpointInterval = null,
        Storage.DataFolderReport? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _source = source ?? throw new ArgumentNullException(nameof(source));
        Function = function ?? throw new ArgumentNullException(nameof(function));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        LastModified = time.GetUtcNow();
        Uuid = Local.Uuid.FromName($"{function.Options.FunctionArn} {source.StreamArn}");
        var checkpoints = new ShardCheckpointStore(checkpointDirectory, flushCheckpointsToDisk, report ?? new Storage.DataFolderReport());
        var interval = checkpointInterval ?? TimeSpan.FromMilliseconds(100);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero, nameof(checkpointInterval));
        _shards = [.. source.ShardIds.Select(id => new ShardPoller(id, source, function, onFailure, () => Options, checkpoints, readObserver, interval, time))];
    }

    /// <summary>The settings now in force (<see cref="Update"/> may change some while the mapping runs).</summary>
    public EventSourceMappingOptions Options => Volatile.Read(ref _options);

    /// <summary>
    /// The mapping's id, as Lambda's <c>UUID</c>: the same for the same function and stream, so it survives a restart,
    /// as the mapping Terraform created does.
    /// </summary>
    public string Uuid { get; }

    /// <summary>When the mapping was created or last updated.</summary>
    public DateTimeOffset LastModified { get; private set; }

    public LocalFunctionHost Function { get; }

    /// <summary>The stream's ARN, the mapping's <c>EventSourceArn</c>.</summary>
    public string EventSourceArn => _source.StreamArn;

    /// <summary>Records completed: processed, or sent to the on-failure destination.</summary>
    public long RecordsCompleted => _shards.Sum(s => s.RecordsCompleted);

    /// <summary>Records given up on (sent to the on-failure destination, or dropped without one).</summary>
    public long RecordsDiscarded => _shards.Sum(s => s.RecordsDiscarded);

    /// <summary>Times the on-failure destination refused a message (the batch is kept and retried).</summary>
    public long DestinationFailures => _shards.Sum(s => s.DestinationFailures);

    /// <summary>The last fault outside the function, for a status line; null when none.</summary>
    public Exception? LastError => _shards.Select(s => s.LastError).LastOrDefault(e => e is not null);

    /// <summary>
    /// Nothing will happen in the mapping until the clock moves or records arrive: every shard's records are read and
    /// every lane waits with nothing due. Tests on a fake clock move it only then, so no work spans a clock step.
    /// </summary>
    public bool IsIdle => Array.TrueForAll(_shards, shard => shard.IsIdle(_time.GetUtcNow()));

    /// <summary>The shard's checkpoint: the sequence number of the last record completed with all before it, null when none yet.</summary>
    /// <exception cref="ArgumentException">The stream has no such shard.</exception>
    public string? CheckpointOf(string shardId) => Checkpoint(shardId)?.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc cref="CheckpointOf"/>
    internal UInt128? Checkpoint(string shardId) =>
        Array.Find(_shards, s => s.ShardId == shardId) is { } shard
            ? shard.Checkpoint
            : throw new ArgumentException($"The stream has no shard {shardId}.", nameof(shardId));

    /// <summary>
    /// Changes the settings of the running mapping: the batch size, the batching window and the tumbling window,
    /// which each lane reads again for every new batch (a batch under way, a retry or a bisected half keeps its
    /// records). A changed tumbling window first closes the window open in each lane (its final invocation), then
    /// opens windows of the new length. The other settings shape the lanes and the checkpoints and cannot change here.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is out of range, or one other than those three differs.</exception>
    public void Update(EventSourceMappingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        lock (_updateLock)
        {
            var current = Options;
            if (options with { BatchSize = current.BatchSize, MaximumBatchingWindow = current.MaximumBatchingWindow, TumblingWindow = current.TumblingWindow } != current)
            {
                throw new ArgumentException(
                    "Only BatchSize, MaximumBatchingWindow and TumblingWindow can change on a running event source mapping.", nameof(options));
            }

            Volatile.Write(ref _options, options);
            LastModified = _time.GetUtcNow();
        }

        foreach (var shard in _shards)
        {
            shard.OptionsChanged();
        }
    }

    /// <summary>Loads or fixes every shard's starting point, then polls in the background until <see cref="StopAsync"/>.</summary>
    public void Start()
    {
        if (_running is not null || _stopped)
        {
            // A stop abandons the batches under way in memory; only a new mapping (which resumes from the durable
            // checkpoints) picks them up again.
            throw new InvalidOperationException("The event source mapping is running or was stopped; create a new one to restart.");
        }

        Initialize();
        _running = new CancellationTokenSource();
        _draining = new CancellationTokenSource();
        var abort = _running.Token;
        var drain = _draining.Token;
        _run = Task.WhenAll(_shards.Select(shard => Task.Run(() => shard.RunAsync(drain, abort), CancellationToken.None)));
    }

    /// <summary>
    /// Stops the way Lambda lets an invocation finish: no more reads and no new batch, the invocations under way run to
    /// their end (at most the function's timeout) and are checkpointed, so a restart processes none of them again.
    /// Only an invocation still running at the timeout is cut short; its batch is retried after a restart.
    /// </summary>
    public async Task StopAsync()
    {
        if (_running is null || _draining is null)
        {
            return;
        }

        _stopped = true;
        await _draining.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.WaitAsync(Function.Options.Timeout + TimeSpan.FromSeconds(1), _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _running.CancelAsync().ConfigureAwait(false);
            await _run.ConfigureAwait(false);
        }

        _running.Dispose();
        _draining.Dispose();
        _running = null;
        _draining = null;
        FlushCheckpoints();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        FlushCheckpoints();
        foreach (var shard in _shards)
        {
            shard.Dispose();
        }
    }

    /// <summary>Reads every shard once and makes at most one invocation per lane: a deterministic step for tests.</summary>
    /// <returns>Whether any lane invoked the function (or gave a batch up).</returns>
    internal async Task<bool> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        Initialize();
        var any = false;
        foreach (var shard in _shards)
        {
            shard.Fill();
            any |= await shard.StepLanesAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!any)
        {
            FlushCheckpoints();
        }

        return any;
    }

    /// <summary>Polls until no lane has anything to do at the current time.</summary>
    internal async Task PollUntilIdleAsync(CancellationToken cancellationToken = default)
    {
        while (await PollOnceAsync(cancellationToken).ConfigureAwait(false))
        {
        }
    }

    private void FlushCheckpoints()
    {
        if (!_initialized)
        {
            return;
        }

        foreach (var shard in _shards)
        {
            shard.FlushCheckpoint();
        }
    }

    private void Initialize()
    {
        if (_initialized)
        {
            return;
        }

        foreach (var shard in _shards)
        {
            shard.Initialize();
        }

        _initialized = true;
    }
}
