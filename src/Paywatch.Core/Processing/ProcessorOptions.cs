using Paywatch.Core.Enrichment;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Processing;

/// <summary>Everything the processor is configured with. The Lambda host reads it from the environment.</summary>
public sealed record ProcessorOptions
{
    /// <summary>The deployment's suffix (<c>environment_suffix</c>), the <c>Environment</c> metric dimension.</summary>
    public string Environment { get; init; } = "local";

    /// <summary>The custom CloudWatch namespace of the processor's metrics.</summary>
    public string MetricNamespace { get; init; } = "Paywatch/Transactions";

    /// <summary>The EventBridge bus entries are published to.</summary>
    public string EventBusName { get; init; } = "paywatch-transactions";

    /// <summary>The entries' <c>Source</c>; rules match on it.</summary>
    public string EventSource { get; init; } = "paywatch.transactions";

    /// <summary>The entries' <c>DetailType</c>.</summary>
    public string DetailType { get; init; } = "Transaction Processed";

    /// <summary>The <c>DetailType</c> of a window's summary of its incidents.</summary>
    public string SummaryDetailType { get; init; } = "Window Summary";

    /// <summary>
    /// How many incidents the whole stream notifies one by one in a tumbling window, all kinds and lanes together; the
    /// rest are in the lanes' summaries. The guard of the alert channel: SNS email delivers at most 10 messages a second
    /// per subscription. Each lane spends its share, paced over the window (docs/alerting.md).
    /// </summary>
    public int AlertsPerWindow { get; init; } = 10;

    /// <summary>
    /// The stream's shard lanes, shards × parallelization factor (<c>PAYWATCH_LANE_COUNT</c>, which Terraform computes):
    /// how many lanes share <see cref="AlertsPerWindow"/>. One for a single reader such as <c>paywatch process</c>.
    /// </summary>
    public int LaneCount { get; init; } = 1;

    /// <summary>
    /// Lanes per shard (<c>PAYWATCH_PARALLELIZATION_FACTOR</c>, Terraform's <c>event_source_parallelization_factor</c>):
    /// a shard's lanes share its id, so the budget's pacing staggers shards, not lanes.
    /// </summary>
    public int ParallelizationFactor { get; init; } = 1;

    public int MaxRecordBytes { get; init; } = TransactionReader.DefaultMaxRecordBytes;

    public RiskPolicy Risk { get; init; } = new();

    /// <summary>
    /// Refuses a configuration that would fail every batch later (a dimension value CloudWatch rejects, an empty
    /// bus name), so that a bad deployment fails at start-up with the setting named, not record by record.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it and the rule.</exception>
    public void Validate()
    {
        // CloudWatch dimension values: 1-1024 ASCII characters, not all blank; namespaces: 1-255, no leading ':'.
        Require(IsPrintableAscii(Environment, 1024) && !string.IsNullOrWhiteSpace(Environment), nameof(Environment),
            "must be 1-1024 printable ASCII characters (it is a CloudWatch dimension value)");
        Require(IsPrintableAscii(MetricNamespace, 255) && !MetricNamespace.StartsWith(':'), nameof(MetricNamespace),
            "must be 1-255 printable ASCII characters, not starting with ':'");
        Require(!string.IsNullOrWhiteSpace(EventBusName), nameof(EventBusName), "must not be empty");
        Require(!string.IsNullOrWhiteSpace(EventSource), nameof(EventSource), "must not be empty");
        Require(!string.IsNullOrWhiteSpace(DetailType), nameof(DetailType), "must not be empty");
        Require(!string.IsNullOrWhiteSpace(SummaryDetailType) && SummaryDetailType != DetailType, nameof(SummaryDetailType),
            "must not be empty or the transactions' DetailType");
        Require(AlertsPerWindow is >= 0 and <= 10_000, nameof(AlertsPerWindow), "must be between 0 and 10,000");
        // Kinesis: up to 500 shards by default (a raised quota aside), Lambda: a parallelization factor of 1 to 10.
        Require(LaneCount is >= 1 and <= 100_000, nameof(LaneCount), "must be between 1 and 100,000 (shards × parallelization factor)");
        Require(ParallelizationFactor is >= 1 and <= 10 && LaneCount % ParallelizationFactor == 0, nameof(ParallelizationFactor),
            "must be from 1 to 10 and divide LaneCount (shards × parallelization factor)");
        // A shard's lanes earn alike, so the budget is spent in whole shares of the parallelization factor (LaneAlertBudget).
        Require(AlertsPerWindow == 0 || AlertsPerWindow >= ParallelizationFactor, nameof(AlertsPerWindow),
            "must be 0 or at least ParallelizationFactor: the budget is spent in whole shares of it");
        Require(MaxRecordBytes is > 0 and <= 1024 * 1024, nameof(MaxRecordBytes),
            "must be between 1 and 1,048,576 (Kinesis's own record limit)");
        ArgumentNullException.ThrowIfNull(Risk);
    }

    private static void Require(bool valid, string setting, string rule)
    {
        if (!valid)
        {
            throw new ArgumentException($"Processor setting {setting} {rule}.", setting);
        }
    }

    private static bool IsPrintableAscii(string? text, int maxLength) =>
        text is { Length: > 0 } && text.Length <= maxLength && text.All(c => c is >= ' ' and <= '~');
}
