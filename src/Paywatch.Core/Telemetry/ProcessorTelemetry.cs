using System.Diagnostics;

namespace Paywatch.Core.Telemetry;

/// <summary>
/// The processor's instrumentation names. Spans come from one <see cref="ActivitySource"/>; exporters (X-Ray,
/// OTLP, the local trace store) subscribe to it by name and are chosen by the host.
/// </summary>
public static class ProcessorTelemetry
{
    public const string ActivitySourceName = "Paywatch.Processor";

    /// <summary>The longest id list tag: X-Ray keeps annotation values of up to 1,000 characters.</summary>
    public const int MaxIdListLength = 1000;

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>Span names: one batch span, a span per record with validation, processing and routing children, and the publish.</summary>
    public static class Spans
    {
        public const string Batch = "ProcessBatch";
        public const string Transaction = "Transaction";
        public const string Validation = "Validation";
        public const string Processing = "Processing";
        public const string Routing = "Routing";
        public const string Publish = "PublishEvents";
    }

    /// <summary>Span tags. None of them ever carries a card number or a card/account token.</summary>
    public static class Tags
    {
        public const string ShardId = "aws.kinesis.shard_id";
        public const string RecordCount = "paywatch.batch.records";
        public const string FailureCount = "paywatch.batch.item_failures";
        public const string SequenceNumber = "aws.kinesis.sequence_number";
        public const string TransactionId = "paywatch.transaction.id";
        public const string Type = "paywatch.transaction.type";
        public const string Status = "paywatch.transaction.status";
        public const string Country = "paywatch.merchant.country";
        public const string ErrorCode = "paywatch.transaction.error_code";
        public const string RiskScore = "paywatch.transaction.risk_score";
        public const string MatchedRules = "paywatch.routing.matched_rules";
        public const string Published = "paywatch.routing.published";
        public const string EntryCount = "paywatch.publish.entries";

        /// <summary>The Lambda invocation's request id (OpenTelemetry's FaaS convention).</summary>
        public const string InvocationId = "faas.invocation_id";

        /// <summary>On the batch: how many of its transactions were FAILED or ERROR, and how many were routed.</summary>
        public const string FailedCount = "paywatch.batch.failed";
        public const string RoutedCount = "paywatch.batch.routed";

        /// <summary>
        /// On the batch: the ids of its FAILED/ERROR and of its routed transactions, comma-separated, cut at
        /// <see cref="MaxIdListLength"/> characters; a batch trace is found by a transaction's id through them.
        /// </summary>
        public const string FailedTransactionIds = "paywatch.batch.failed_transaction_ids";
        public const string RoutedTransactionIds = "paywatch.batch.routed_transaction_ids";
    }
}
