namespace Paywatch.Cost;

/// <summary>How AWS rounds what it counts into billing units; each rule cites its pricing page.</summary>
public static class BillingUnits
{
    /// <summary>25 KB, the size of a Kinesis PUT payload unit.</summary>
    public const int PutPayloadUnitBytes = 25 * 1024;

    /// <summary>64 KB, the chunk EventBridge, SNS and SQS bill a payload in.</summary>
    public const int PayloadChunkBytes = 64 * 1024;

    /// <summary>Lambda's CPU share reaches one full vCPU at 1,769 MB ("Lambda memory and computing power", Lambda Developer Guide).</summary>
    public const int MemoryMbPerVcpu = 1769;

    /// <summary>
    /// A record's PUT payload units: each 25 KB of it, rounded up, at least one. "A 5KB record contains one PUT Payload Unit, a 45KB
    /// record contains two" (https://aws.amazon.com/kinesis/data-streams/pricing/, provisioned mode).
    /// </summary>
    public static long PutPayloadUnits(long recordBytes) => Math.Max(1, Chunks(recordBytes, PutPayloadUnitBytes));

    /// <summary>
    /// A PutEvents entry's billed events: "each 64 KB chunk of a payload is billed as 1 event"
    /// (https://aws.amazon.com/eventbridge/pricing/); the size is EventBridge's measure of the entry.
    /// </summary>
    public static long EventBridgeEvents(long entryBytes) => Math.Max(1, Chunks(entryBytes, PayloadChunkBytes));

    /// <summary>An SNS publish or SQS request: each 64 KB chunk is one request (https://aws.amazon.com/sns/pricing/).</summary>
    public static long Requests64Kb(long payloadBytes) => Math.Max(1, Chunks(payloadBytes, PayloadChunkBytes));

    /// <summary>
    /// A Lambda invocation's GB-seconds: the memory as configured (not as used) times the duration rounded up to the next
    /// millisecond ("Duration is calculated ... rounded up to the nearest 1 ms", https://aws.amazon.com/lambda/pricing/).
    /// </summary>
    public static double GbSeconds(int memoryMb, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryMb, 128);
        var billedMs = Math.Ceiling(duration.TotalMilliseconds);
        return memoryMb / 1024.0 * (billedMs / 1000.0);
    }

    private static long Chunks(long bytes, int chunk)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return (bytes + chunk - 1) / chunk;
    }
}
