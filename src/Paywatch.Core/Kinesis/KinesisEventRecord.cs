namespace Paywatch.Core.Kinesis;

/// <summary>
/// One record of a Lambda Kinesis event (the <c>kinesis</c> member of an entry in <c>Records</c>), kept as UTF-8
/// slices of the event so that reading a batch does not allocate per record.
/// </summary>
/// <param name="Data">The record's data as the event carries it: base64 text, UTF-8.</param>
/// <param name="SequenceNumber">The Kinesis sequence number (decimal digits), the <c>itemIdentifier</c> of a failure.</param>
/// <param name="PartitionKey">The partition key, UTF-8.</param>
/// <param name="ApproximateArrivalTimestamp">When Kinesis accepted the record, in seconds since the Unix epoch.</param>
public readonly record struct KinesisEventRecord(
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte> SequenceNumber,
    ReadOnlyMemory<byte> PartitionKey,
    double ApproximateArrivalTimestamp)
{
    public string SequenceNumberText => Encoding.UTF8.GetString(SequenceNumber.Span);

    public DateTimeOffset ArrivalTime =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(ApproximateArrivalTimestamp * 1000));

    /// <summary>A record built from raw data (the CLI and tests), base64-encoding it as Lambda would.</summary>
    public static KinesisEventRecord FromData(
        ReadOnlySpan<byte> data, string sequenceNumber, string partitionKey, DateTimeOffset arrival)
    {
        var base64 = new byte[Base64.GetMaxEncodedToUtf8Length(data.Length)];
        _ = Base64.EncodeToUtf8(data, base64, out _, out var written);
        return new KinesisEventRecord(
            base64.AsMemory(0, written),
            Encoding.UTF8.GetBytes(sequenceNumber),
            Encoding.UTF8.GetBytes(partitionKey),
            arrival.ToUnixTimeMilliseconds() / 1000.0);
    }
}
