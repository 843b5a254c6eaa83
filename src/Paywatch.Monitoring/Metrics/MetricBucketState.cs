namespace Paywatch.Monitoring.Metrics;

/// <summary>
/// Everything a <see cref="MetricStore"/> bucket holds, as plain data: what a store saves to come back after a restart
/// with the same answers (<see cref="MetricStore.TakeChangedBuckets"/>, <see cref="MetricStore.Restore"/>).
/// </summary>
/// <param name="Key">The metric.</param>
/// <param name="StartSecond">The bucket's start, in Unix seconds.</param>
/// <param name="HighResolution">A one-second bucket (a high-resolution metric); a one-minute bucket otherwise.</param>
/// <param name="Count">Samples.</param>
/// <param name="Sum">Their sum.</param>
/// <param name="Minimum">The smallest sample.</param>
/// <param name="Maximum">The largest sample.</param>
/// <param name="Sketch">The distribution, for percentiles.</param>
public sealed record MetricBucketState(
    MetricKey Key,
    long StartSecond,
    bool HighResolution,
    long Count,
    double Sum,
    double Minimum,
    double Maximum,
    QuantileSketchState Sketch);
