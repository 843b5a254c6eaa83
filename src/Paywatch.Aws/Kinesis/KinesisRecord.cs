namespace Paywatch.Aws.Kinesis;

/// <summary>One PutRecordsRequestEntry: the data (raw bytes; base64 on the wire) and its partition key.</summary>
public readonly record struct KinesisRecord(ReadOnlyMemory<byte> Data, string PartitionKey);
