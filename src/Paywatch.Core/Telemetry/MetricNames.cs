namespace Paywatch.Core.Telemetry;

/// <summary>
/// The custom metrics, in the namespace of <see cref="Processing.ProcessorOptions.MetricNamespace"/>. Their
/// names are a contract with config/ (alarms, dashboard); docs/telemetry.md describes each.
/// </summary>
public static class MetricNames
{
    public const string TransactionsProcessed = "TransactionsProcessed";
    public const string TransactionsApproved = "TransactionsApproved";
    public const string TransactionsFailed = "TransactionsFailed";
    public const string TransactionsErrored = "TransactionsErrored";
    public const string TransactionAmount = "TransactionAmount";
    public const string ProcessingLatency = "ProcessingLatency";
    public const string HighValueTransactions = "HighValueTransactions";
    public const string SuspectedFraud = "SuspectedFraud";
    public const string VelocityExceeded = "VelocityExceeded";
    public const string EventsPublished = "EventsPublished";
    public const string PublishFailures = "PublishFailures";
    public const string RecordsRetried = "RecordsRetried";
    public const string PansMasked = "PansMasked";
    public const string VelocityStateEvicted = "VelocityStateEvicted";

    /// <summary>1 on an execution environment's first invocation (the Lambda host writes it, not the processor).</summary>
    public const string ColdStart = "ColdStart";

    /// <summary>Process start to ready for the first invocation, in milliseconds, written with <see cref="ColdStart"/>.</summary>
    public const string InitDuration = "InitDuration";

    /// <summary>Dimension names. Both have small, fixed value sets: cardinality stays bounded by design.</summary>
    public static class Dimensions
    {
        /// <summary>The deployment (<c>environment_suffix</c>): one value per stack.</summary>
        public const string Environment = "Environment";

        /// <summary>One of the nine <see cref="Transactions.TransactionType"/> wire names (UNKNOWN included).</summary>
        public const string TransactionType = "TransactionType";
    }
}
