namespace Paywatch.Cost;

/// <summary>
/// What the model assumes where nothing is measured; every figure is stated in docs/cost.md and printed by <c>paywatch cost</c>.
/// </summary>
public sealed record Assumptions
{
    /// <summary>AWS prices a month as 730 hours.</summary>
    public double HoursPerMonth { get; init; } = 730;

    /// <summary>Per invocation beyond the handler: the Runtime API's next and response round trips, reading the event.</summary>
    public double InvocationOverheadMilliseconds { get; init; } = 2;

    /// <summary>Per invocation that publishes: one PutEvents round trip in the Region (its requests go in parallel).</summary>
    public double PutEventsLatencyMilliseconds { get; init; } = 20;

    /// <summary>
    /// How this machine's core compares with a full Lambda vCPU (1 = the same). Lambda gives a function memory / 1,769 MB of a
    /// vCPU, so a single-threaded handler's time is scaled by 1,769 / memory below 1,769 MB.
    /// </summary>
    public double MachineToVcpu { get; init; } = 1;

    /// <summary>Lambda's own START, END and REPORT lines per invocation (text format, with the X-Ray trace id).</summary>
    public int PlatformLogBytesPerInvocation { get; init; } = 350;

    /// <summary>Runs a day of each saved Logs Insights query: every 15 minutes while someone watches, 8 hours a day.</summary>
    public double QueryRunsPerDay { get; init; } = 32;

    /// <summary>The time range each saved query scans (Logs Insights scans the whole log group over the range).</summary>
    public TimeSpan QueryRange { get; init; } = TimeSpan.FromHours(1);

    /// <summary>X-Ray console or API searches a day, each scanning the last hour's traces and retrieving <see cref="TracesRetrievedPerQuery"/>.</summary>
    public double TraceQueriesPerDay { get; init; } = 20;

    public double TracesRetrievedPerQuery { get; init; } = 50;

    /// <summary>The processor image's compressed size in ECR, GB, and how many the lifecycle policy keeps (infra/ecr.tf: 20 tagged).</summary>
    public double ImageGb { get; init; } = 0.05;

    public int ImagesKept { get; init; } = 20;

    /// <summary>
    /// KMS requests per shard-hour for the stream's server-side encryption: Kinesis reuses a data key for about five minutes,
    /// for writers and readers each: 12 GenerateDataKey and 12 Decrypt an hour per shard ("Costs and Regions for server-side
    /// encryption", Kinesis Developer Guide).
    /// </summary>
    public double KinesisKmsRequestsPerShardHour { get; init; } = 24;

    /// <summary>KMS requests per SNS publish to the CMK-encrypted topic: a data key request, none cached.</summary>
    public double KmsRequestsPerSnsPublish { get; init; } = 1;

    /// <summary>Kinesis shard-level (enhanced) metrics infra/kinesis.tf turns on, billed as custom metrics per shard.</summary>
    public int ShardLevelMetrics { get; init; } = 7;

    /// <summary>
    /// Compressed / ingested log bytes where the logs are not compressed to measure it (the twin's meter): gzip's ratio on the
    /// processor's logs in <c>paywatch cost</c>'s sample.
    /// </summary>
    public double UnmeasuredLogCompressionRatio { get; init; } = 0.09;

    /// <summary>
    /// Bytes of each X-Ray segment document through the X-Ray endpoint, in a VPC: the exporter's largest datagram
    /// (<see cref="Paywatch.Aws.XRay.XRayExporter.MaxDatagramBytes"/>), the stricter reading; the documents are not weighed.
    /// </summary>
    public int SegmentDocumentBytes { get; init; } = Paywatch.Aws.XRay.XRayExporter.MaxDatagramBytes;

    public double DaysPerMonth => HoursPerMonth / 24;
}
