using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Paywatch.Aws.TestSupport;

/// <summary>
/// Lambda Kinesis events in the shape Lambda delivers them, tumbling window included
/// (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-event-example,
/// https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html).
/// </summary>
public static class KinesisEvents
{
    public const string ShardId = "shardId-000000000006";

    /// <summary>The spec's three <c>put-record</c> samples (README "Generate Test Transactions").</summary>
    public static readonly string[] SpecSamples =
    [
        """{"transaction_id":"txn-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","transaction_count":1}""",
        """{"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1}""",
        """{"transaction_id":"txn-003","amount":-100,"type":"PURCHASE"}""",
    ];

    public static string Sequence(int n) => $"49590338271490256608559692538361571095921575989136588{n:D3}";

    public static byte[] Build(IEnumerable<string> records, DateTimeOffset arrival) =>
        Build(records.Select(Encoding.UTF8.GetBytes), arrival);

    public static byte[] Build(IEnumerable<byte[]> records, DateTimeOffset arrival)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            var n = 0;
            foreach (var data in records)
            {
                var sequence = Sequence(++n);
                writer.WriteStartObject();
                writer.WriteStartObject("kinesis");
                writer.WriteString("kinesisSchemaVersion", "1.0");
                writer.WriteString("partitionKey", $"pk-{n % 7}");
                writer.WriteString("sequenceNumber", sequence);
                writer.WriteBase64String("data", data);
                writer.WriteNumber("approximateArrivalTimestamp", arrival.ToUnixTimeMilliseconds() / 1000.0);
                writer.WriteEndObject();
                writer.WriteString("eventSource", "aws:kinesis");
                writer.WriteString("eventVersion", "1.0");
                writer.WriteString("eventID", $"{ShardId}:{sequence}");
                writer.WriteString("eventName", "aws:kinesis:record");
                writer.WriteString("invokeIdentityArn", "arn:aws:iam::123456789012:role/paywatch-processor-test");
                writer.WriteString("awsRegion", "eu-west-1");
                writer.WriteString("eventSourceARN", "arn:aws:kinesis:eu-west-1:123456789012:stream/paywatch-transactions-test");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartObject("window");
            writer.WriteString("start", arrival.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            writer.WriteString("end", arrival.AddMinutes(4).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
            writer.WriteStartObject("state");
            writer.WriteEndObject();
            writer.WriteString("shardId", ShardId);
            writer.WriteString("eventSourceARN", "arn:aws:kinesis:eu-west-1:123456789012:stream/paywatch-transactions-test");
            writer.WriteBoolean("isFinalInvokeForWindow", false);
            writer.WriteBoolean("isWindowTerminatedEarly", false);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
