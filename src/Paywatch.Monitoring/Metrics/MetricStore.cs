namespace Paywatch.Monitoring.Metrics;

/// <summary>One aggregated datapoint: a period's statistic, with the number of samples behind it.</summary>
public readonly record struct MetricDatapoint(DateTimeOffset Timestamp, double Value, long SampleCount);

/// <summary>
/// CloudWatch's metric store, in memory: datapoints are aggregated as they arrive into one-minute buckets (one-
/// second buckets for high-resolution metrics, as CloudWatch keeps them), each holding count, sum, minimum,
/// maximum and a <see cref="QuantileSketch"/>. Statistics for any period that is a multiple of the bucket are
/// merged from the buckets. Memory is bounded: buckets older than the retention are dropped, and a metric
/// beyond the series limit is refused (counted in <see cref="RejectedDatapoints"/>), never silently mixed in; so a
/// store holds at most <c>maxSeries</c> × (retention / bucket width) buckets, however long it runs.
/// Thread-safe. The store does no IO: whoever keeps it across restarts takes the buckets that changed
/// (<see cref="TrackChanges"/>, <see cref="TakeChangedBuckets"/>) and gives them back (<see cref="Restore"/>).
/// </summary>
public sealed class MetricStore(TimeSpan retention, int maxSeries = 10_000)
{
    private readonly Dictionary<MetricKey, Series> _series = [];
    private readonly Lock _lock = new();
    private long _newestSecond = long.MinValue;
    private long _putsSincePrune;
    private long _nextPruneSecond = long.MinValue;
    private readonly List<Series> _changedSeries = [];
    private bool _trackChanges;

    public TimeSpan Retention { get; } = retention > TimeSpan.Zero ? retention : throw new ArgumentOutOfRangeException(nameof(retention));

    public long RejectedDatapoints { get; private set; }

    /// <summary>Adds a value (<paramref name="count"/> samples of it) at <paramref name="timestamp"/>.</summary>
    /// <returns>False when the value is not a finite number, or the series limit is reached.</returns>
    public bool Put(MetricKey key, DateTimeOffset timestamp, double value, long count = 1, bool highResolution = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            return PutLocked(key, timestamp.ToUnixTimeSeconds(), value, count, highResolution);
        }
    }

    /// <summary>Adds many values under one lock (an EMF document's worth).</summary>
    internal void PutBatch(IEnumerable<(MetricKey Key, long UnixSeconds, double Value, long Count, bool HighResolution)> datapoints)
    {
        lock (_lock)
        {
            foreach (var (key, second, value, count, highResolution) in datapoints)
            {
                PutLocked(key, second, value, count, highResolution);
            }
        }
    }

    internal bool PutLocked(MetricKey key, long second, double value, long count, bool highResolution)
    {
        if (!double.IsFinite(value) || count < 1)
        {
            RejectedDatapoints += count;
            return false;
        }

        if (!_series.TryGetValue(key, out var series))
        {
            if (_series.Count >= maxSeries)
            {
                RejectedDatapoints += count;
                return false;
            }

            _series[key] = series = new Series(key);
        }

        var width = highResolution ? 1 : 60;
        var bucketStart = second - Mod(second, width);
        var bucket = series.Add(bucketStart, value, count);
        if (_trackChanges && !bucket.Changed)
        {
            bucket.Changed = true;
            if (series.MarkChanged(bucketStart))
            {
                _changedSeries.Add(series);
            }
        }

        if (second > _newestSecond)
        {
            _newestSecond = second;
        }

        // Pruned every 100,000 values, and at least every minute of data, so that a slow trickle of values over days
        // holds no more than the retention either.
        if (++_putsSincePrune >= 100_000 || _newestSecond >= _nextPruneSecond)
        {
            Prune();
        }

        return true;
    }

    public IReadOnlyList<MetricKey> ListMetrics(string? metricNamespace = null, string? metricName = null)
    {
        lock (_lock)
        {
            return [.. _series.Keys.Where(k => (metricNamespace is null || k.Namespace == metricNamespace) && (metricName is null || k.Name == metricName))];
        }
    }

    /// <summary>
    /// The statistic for each period from <paramref name="start"/> (inclusive) to <paramref name="end"/>
    /// (exclusive) that has samples, like GetMetricStatistics: periods start at multiples of the period since
    /// the Unix epoch, and periods without data have no datapoint.
    /// </summary>
    public IReadOnlyList<MetricDatapoint> GetStatistics(MetricKey key, DateTimeOffset start, DateTimeOffset end, TimeSpan period, Statistic statistic)
    {
        ArgumentNullException.ThrowIfNull(key);
        var periodSeconds = (long)period.TotalSeconds;
        if (periodSeconds < 1 || period.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(period), "A period is a whole number of seconds.");
        }

        var result = new List<MetricDatapoint>();
        lock (_lock)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                return result;
            }

            var first = start.ToUnixTimeSeconds();
            first -= Mod(first, periodSeconds);
            for (var periodStart = first; periodStart < end.ToUnixTimeSeconds(); periodStart += periodSeconds)
            {
                if (series.Aggregate(periodStart, periodStart + periodSeconds) is { } aggregate && aggregate.Value(statistic) is { } value)
                {
                    result.Add(new MetricDatapoint(DateTimeOffset.FromUnixTimeSeconds(periodStart), value, aggregate.Count));
                }
            }
        }

        return result;
    }

    /// <summary>The start of the oldest and newest bucket holding data for <paramref name="key"/>.</summary>
    public (DateTimeOffset Oldest, DateTimeOffset Newest)? TimeRange(MetricKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            return _series.TryGetValue(key, out var series) && series.Range() is var (oldest, newest)
                ? (DateTimeOffset.FromUnixTimeSeconds(oldest), DateTimeOffset.FromUnixTimeSeconds(newest))
                : null;
        }
    }

    /// <summary>
    /// From now on, remembers which buckets change, for <see cref="TakeChangedBuckets"/>. Off by default: a store nobody
    /// saves keeps no list of changes.
    /// </summary>
    public void TrackChanges()
    {
        lock (_lock)
        {
            _trackChanges = true;
        }
    }

    /// <summary>
    /// Every bucket that changed since the last call (with <see cref="TrackChanges"/> on), whole: a bucket's state
    /// replaces what was saved of it before. Costs what changed, not what the store holds.
    /// </summary>
    public IReadOnlyList<MetricBucketState> TakeChangedBuckets()
    {
        var changed = new List<MetricBucketState>();
        lock (_lock)
        {
            foreach (var series in _changedSeries)
            {
                series.TakeChanged(changed);
            }

            _changedSeries.Clear();
        }

        return changed;
    }

    /// <summary>Every bucket the store holds (to write a compact copy of it).</summary>
    public IReadOnlyList<MetricBucketState> AllBuckets()
    {
        var all = new List<MetricBucketState>();
        lock (_lock)
        {
            foreach (var series in _series.Values)
            {
                series.AddAll(all);
            }
        }

        return all;
    }

    /// <summary>
    /// Puts saved buckets back, each replacing the bucket of its metric and start (so a later state of a bucket, given
    /// after an earlier one, wins), then drops what is older than the retention. Restored buckets are not changes.
    /// </summary>
    /// <returns>How many buckets were refused: beyond the series limit.</returns>
    public int Restore(IEnumerable<MetricBucketState> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var refused = 0;
        lock (_lock)
        {
            foreach (var state in buckets)
            {
                if (!_series.TryGetValue(state.Key, out var series))
                {
                    if (_series.Count >= maxSeries)
                    {
                        refused++;
                        continue;
                    }

                    _series[state.Key] = series = new Series(state.Key);
                }

                series.Restore(state);
                _newestSecond = Math.Max(_newestSecond, state.StartSecond);
            }

            Prune();
            foreach (var key in _series.Where(s => s.Value.IsEmpty).Select(s => s.Key).ToList())
            {
                _series.Remove(key);
            }
        }

        return refused;
    }

    private void Prune()
    {
        _putsSincePrune = 0;
        if (_newestSecond == long.MinValue)
        {
            return;
        }

        _nextPruneSecond = _newestSecond + 60;
        var oldest = _newestSecond - (long)Retention.TotalSeconds;
        foreach (var series in _series.Values)
        {
            series.DropBefore(oldest);
        }
    }

    private static long Mod(long value, long divisor) => ((value % divisor) + divisor) % divisor;

    /// <summary>One metric's buckets, by start second.</summary>
    private sealed class Series(MetricKey key)
    {
        private readonly Dictionary<long, Bucket> _buckets = [];
        private readonly List<long> _changed = [];

        // Buckets start on whole minutes unless the metric ever had high-resolution data (whole seconds).
        private int _step = 60;

        public bool IsEmpty => _buckets.Count == 0;

        public Bucket Add(long bucketStart, double value, long count)
        {
            if (bucketStart % 60 != 0)
            {
                _step = 1;
            }

            if (!_buckets.TryGetValue(bucketStart, out var bucket))
            {
                _buckets[bucketStart] = bucket = new Bucket();
            }

            bucket.Add(value, count);
            return bucket;
        }

        /// <returns>True when this is the series' first change since it was last taken.</returns>
        public bool MarkChanged(long bucketStart)
        {
            _changed.Add(bucketStart);
            return _changed.Count == 1;
        }

        public void TakeChanged(List<MetricBucketState> into)
        {
            foreach (var start in _changed)
            {
                // A bucket dropped by the retention since it changed is not saved.
                if (_buckets.TryGetValue(start, out var bucket) && bucket.Changed)
                {
                    bucket.Changed = false;
                    into.Add(bucket.ToState(key, start, _step == 1));
                }
            }

            _changed.Clear();
        }

        public void AddAll(List<MetricBucketState> into)
        {
            foreach (var (start, bucket) in _buckets)
            {
                into.Add(bucket.ToState(key, start, _step == 1));
            }
        }

        public void Restore(MetricBucketState state)
        {
            if (state.HighResolution)
            {
                _step = 1;
            }

            _buckets[state.StartSecond] = Bucket.FromState(state);
        }

        /// <summary>The buckets starting in [from, to), merged: looked up by start, not found by scanning.</summary>
        public Bucket? Aggregate(long from, long to)
        {
            Bucket? total = null;
            for (var start = from + Mod(-from, _step); start < to; start += _step)
            {
                if (_buckets.TryGetValue(start, out var bucket))
                {
                    (total ??= new Bucket()).Merge(bucket);
                }
            }

            return total;
        }

        public (long Oldest, long Newest)? Range() =>
            _buckets.Count == 0 ? null : (_buckets.Keys.Min(), _buckets.Keys.Max());

        public void DropBefore(long second)
        {
            foreach (var start in _buckets.Keys.Where(s => s < second).ToList())
            {
                _buckets.Remove(start);
            }
        }
    }

    /// <summary>Everything CloudWatch can answer for a bucket: count, sum, extremes, and the distribution.</summary>
    private sealed class Bucket
    {
        private QuantileSketch _sketch = new();
        private double _sum;
        private double _min = double.PositiveInfinity;
        private double _max = double.NegativeInfinity;

        public long Count { get; private set; }

        /// <summary>Changed since its state was last taken (only while changes are tracked).</summary>
        public bool Changed { get; set; }

        public MetricBucketState ToState(MetricKey key, long start, bool highResolution) =>
            new(key, start, highResolution, Count, _sum, _min, _max, _sketch.ToState());

        public static Bucket FromState(MetricBucketState state) => new()
        {
            Count = state.Count,
            _sum = state.Sum,
            _min = state.Minimum,
            _max = state.Maximum,
            _sketch = QuantileSketch.FromState(state.Sketch),
        };

        public void Add(double value, long count)
        {
            Count += count;
            _sum += value * count;
            _min = Math.Min(_min, value);
            _max = Math.Max(_max, value);
            _sketch.Add(value, count);
        }

        public void Merge(Bucket other)
        {
            Count += other.Count;
            _sum += other._sum;
            _min = Math.Min(_min, other._min);
            _max = Math.Max(_max, other._max);
            _sketch.Merge(other._sketch);
        }

        public double? Value(Statistic statistic) => statistic.Name switch
        {
            "SampleCount" => Count,
            "Sum" => _sum,
            "Average" => _sum / Count,
            "Minimum" => _min,
            "Maximum" => _max,
            // The sketch's error bound holds inside the observed range; clamping keeps p0/p100 exact.
            _ => _sketch.Quantile(statistic.Percentile!.Value) is { } q ? Math.Clamp(q, _min, _max) : null,
        };
    }
}
