namespace Paywatch.Monitoring.Metrics;

/// <summary>A percentile sketch's counts: values near zero, and the logarithmic buckets by index.</summary>
public sealed record QuantileSketchState(
    long Zero,
    IReadOnlyList<KeyValuePair<int, long>> Positive,
    IReadOnlyList<KeyValuePair<int, long>> Negative);
