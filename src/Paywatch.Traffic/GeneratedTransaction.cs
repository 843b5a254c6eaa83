namespace Paywatch.Traffic;

/// <summary>One synthetic record: its JSON (UTF-8, not always valid on purpose), its partition key and its kind.</summary>
public sealed record GeneratedTransaction(byte[] Utf8Json, string PartitionKey, TrafficKind Kind);
