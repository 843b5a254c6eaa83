using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Paywatch.Core.Kinesis;

namespace Paywatch.Cost.Footprint;

/// <summary>The event source mapping's settings the simulation follows (infra/lambda.tf's <c>aws_lambda_event_source_mapping</c>).</summary>
/// <param name="TumblingWindow">Zero: no windows, so no state and no closing invocations.</param>
/// <param name="Start">Stream time's origin; windows are aligned to it.</param>
public sealed record MappingSettings(
    int Shards,
    int ParallelizationFactor,
    int BatchSize,
    TimeSpan BatchingWindow,
    TimeSpan TumblingWindow,
    DateTimeOffset Start)
{
    /// <summary>Shard lanes: shards × parallelization factor, each invoked one batch at a time.</summary>
    public int Lanes => Shards * ParallelizationFactor;
}

/// <summary>
/// Lambda's Kinesis event source mapping on simulated stream time: each record goes to its shard by the partition key's MD5 in
/// equal hash ranges, then to a lane within the shard by the key's hash (the twin's mapping does the same); a lane gathers a
/// batch (the batch size, or the batching window since its first record), invokes, carries the tumbling window's state, and
/// closes each window with its final invocation at the window's end. Records are added in arrival order; the clock is set to
/// each invocation's time, so the processor's spans, logs and metrics agree with stream time.
/// </summary>
/// <remarks>
/// Stream time is simulated, so minutes of traffic run in seconds, exactly and repeatably. ("Using Lambda with Kinesis":
/// batching window, parallelization factor, tumbling windows; Lambda Developer Guide.)
/// </remarks>
public sealed class MappingSimulation
{
    private readonly MappingSettings _settings;
    private readonly SimulatedClock _clock;
    private readonly Lane[] _lanes;

    /// <param name="invoke">Runs one invocation: the lane's index and the event.</param>
    public MappingSimulation(MappingSettings settings, SimulatedClock clock, Func<int, KinesisEvent, ValueTask<KinesisStreamResponse>> invoke)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        ArgumentNullException.ThrowIfNull(invoke);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Shards, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.ParallelizationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BatchSize, 1);
        _lanes = [.. Enumerable.Range(0, settings.Lanes).Select(i => new Lane(this, i, $"shardId-{i / settings.ParallelizationFactor:D12}", invoke))];
    }

    /// <summary>The lane a partition key goes to: its shard by MD5 hash range (Kinesis), then the lane within it.</summary>
    public static int LaneOf(string partitionKey, int shards, int parallelizationFactor)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
#pragma warning disable CA5351 // Kinesis maps partition keys to shards by MD5: a hash range, not a security measure.
        var md5 = MD5.HashData(Encoding.UTF8.GetBytes(partitionKey));
#pragma warning restore CA5351
        var shard = (int)((UInt128)BinaryPrimitives.ReadUInt64BigEndian(md5) * (uint)shards >> 64);
        return (shard * parallelizationFactor) + (int)(BinaryPrimitives.ReadUInt32BigEndian(md5.AsSpan(8)) % (uint)parallelizationFactor);
    }

    public int LaneOf(string partitionKey) => LaneOf(partitionKey, _settings.Shards, _settings.ParallelizationFactor);

    /// <summary>Adds a record arriving at <paramref name="arrival"/> (not before the previous one) to its lane.</summary>
    public ValueTask AddAsync(int lane, KinesisEventRecord record, DateTimeOffset arrival) => _lanes[lane].AddAsync(record, arrival);

    /// <summary>Invokes every lane's gathered records, then closes its open window at the window's end.</summary>
    public async ValueTask CloseAsync()
    {
        foreach (var lane in _lanes)
        {
            await lane.CloseAsync().ConfigureAwait(false);
        }
    }

    private TumblingWindow? WindowOf(DateTimeOffset arrival)
    {
        var size = _settings.TumblingWindow;
        if (size <= TimeSpan.Zero)
        {
            return null;
        }

        var start = _settings.Start + (size * Math.Floor((arrival - _settings.Start) / size));
        return new TumblingWindow(start, start + size);
    }

    private sealed class Lane(MappingSimulation mapping, int index, string shardId, Func<int, KinesisEvent, ValueTask<KinesisStreamResponse>> invoke)
    {
        private readonly List<KinesisEventRecord> _pending = [];
        private DateTimeOffset _gatherStart;
        private DateTimeOffset _lastArrival;
        private TumblingWindow? _window;
        private ReadOnlyMemory<byte> _state;

        public async ValueTask AddAsync(KinesisEventRecord record, DateTimeOffset arrival)
        {
            var window = mapping.WindowOf(arrival);
            if (_pending.Count > 0 && (arrival - _gatherStart >= mapping._settings.BatchingWindow || window != _window))
            {
                await InvokeAsync(_gatherStart + mapping._settings.BatchingWindow < arrival ? _gatherStart + mapping._settings.BatchingWindow : arrival, final: false).ConfigureAwait(false);
            }

            if (window != _window)
            {
                await CloseAsync().ConfigureAwait(false);
                _window = window;
            }

            if (_pending.Count == 0)
            {
                _gatherStart = arrival;
            }

            _pending.Add(record);
            _lastArrival = arrival;
            if (_pending.Count == mapping._settings.BatchSize)
            {
                await InvokeAsync(arrival, final: false).ConfigureAwait(false);
            }
        }

        public async ValueTask CloseAsync()
        {
            if (_pending.Count > 0)
            {
                await InvokeAsync(_gatherStart + mapping._settings.BatchingWindow > _lastArrival ? _lastArrival : _gatherStart + mapping._settings.BatchingWindow, final: false).ConfigureAwait(false);
            }

            if (_window is { } open)
            {
                await InvokeAsync(open.End, final: true).ConfigureAwait(false);
            }

            _window = null;
            _state = default;
        }

        private async ValueTask InvokeAsync(DateTimeOffset at, bool final)
        {
            mapping._clock.Now = at > mapping._clock.Now ? at : mapping._clock.Now;
            var response = await invoke(index, new KinesisEvent
            {
                Records = [.. _pending],
                Window = _window,
                State = _state,
                ShardId = shardId,
                IsFinalInvokeForWindow = final,
            }).ConfigureAwait(false);
            _state = _window is null ? default : response.State ?? default;
            _pending.Clear();
        }
    }
}

/// <summary>Stream time, set by the simulation.</summary>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
