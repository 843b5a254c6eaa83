namespace Paywatch.Cost.Footprint;

/// <summary>
/// What the processor did over a sample of traffic, counted as AWS bills it. Stream-wide figures (<see cref="Records"/>, bytes,
/// units, per-shard rates) cover all the sample's records; the processor's figures cover the simulated lanes only, which carry
/// <see cref="LaneFraction"/> of the lanes, so a stream-wide figure is the lane figure / <see cref="LaneFraction"/>.
/// </summary>
public sealed record Footprint
{
    public required TimeSpan SampleDuration { get; init; }

    public required long Records { get; init; }

    public required long RecordBytes { get; init; }

    public required long PutPayloadUnits { get; init; }

    /// <summary>Records a second into the busiest shard, averaged over the sample.</summary>
    public required double BusiestShardRecordsPerSecond { get; init; }

    /// <summary>Bytes (data and partition key) a second into the busiest shard, averaged over the sample.</summary>
    public required double BusiestShardBytesPerSecond { get; init; }

    public required double LaneFraction { get; init; }

    public required long SimulatedRecords { get; init; }

    public required long Invocations { get; init; }

    /// <summary>Invocations with at least one PutEvents request.</summary>
    public required long PublishingInvocations { get; init; }

    /// <summary>The handler's own time on this machine, summed over invocations, in milliseconds.</summary>
    public required double MeasuredMilliseconds { get; init; }

    public required long EventEntries { get; init; }

    public required long EventEntryBytes { get; init; }

    public required long BilledEvents { get; init; }

    public required long PutEventsRequests { get; init; }

    public required IReadOnlyDictionary<string, long> MatchesByRule { get; init; }

    /// <summary>Notifications in the busiest second of the simulated lanes.</summary>
    public required long BusiestSecondNotifications { get; init; }

    public required long LogBytes { get; init; }

    public required long LogLines { get; init; }

    public required long EmfBytes { get; init; }

    public required double LogCompressionRatio { get; init; }

    /// <summary>The distinct custom metrics the processor's EMF created (namespace × metric × dimension set and values).</summary>
    public required IReadOnlyCollection<string> Metrics { get; init; }

    public required long Traces { get; init; }

    /// <summary>Segment documents the X-Ray exporter sent (each one PutTraceSegments segment).</summary>
    public required long SegmentDocuments { get; init; }

    /// <summary>Each invocation's measured time on this machine, in milliseconds, for the duration model.</summary>
    public required IReadOnlyList<double> InvocationMilliseconds { get; init; }

    public long Matches => MatchesByRule.Values.Sum();
}
