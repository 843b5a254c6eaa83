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

    public int MaxRecordBytes { get; init; } = TransactionReader.DefaultMaxRecordBytes;

    public RiskPolicy Risk { get; init; } = new();
}
