using System.Text;
using Paywatch.Core.Kinesis;

namespace Paywatch.Core.Tests.Kinesis;

public sealed class KinesisEventReaderTests
{
    // The KinesisTimeWindowEvent example of "Using tumbling windows with Lambda"
    // (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html).
    internal const string DocumentedTimeWindowEvent = """
        {
            "Records": [
                {
                    "kinesis": {
                        "kinesisSchemaVersion": "1.0",
                        "partitionKey": "1",
                        "sequenceNumber": "49590338271490256608559692538361571095921575989136588898",
                        "data": "SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==",
                        "approximateArrivalTimestamp": 1607497475.000
                    },
                    "eventSource": "aws:kinesis",
                    "eventVersion": "1.0",
                    "eventID": "shardId-000000000006:49590338271490256608559692538361571095921575989136588898",
                    "eventName": "aws:kinesis:record",
                    "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-kinesis-role",
                    "awsRegion": "us-east-1",
                    "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/lambda-stream"
                }
            ],
            "window": {
                "start": "2020-12-09T07:04:00Z",
                "end": "2020-12-09T07:06:00Z"
            },
            "state": {
                "1": 282,
                "2": 715
            },
            "shardId": "shardId-000000000006",
            "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/lambda-stream",
            "isFinalInvokeForWindow": false,
            "isWindowTerminatedEarly": false
        }
        """;

    [Fact]
    public void Reads_the_documented_time_window_event()
    {
        var e = KinesisEventReader.Read(Encoding.UTF8.GetBytes(DocumentedTimeWindowEvent));

        var record = Assert.Single(e.Records);
        Assert.Equal("49590338271490256608559692538361571095921575989136588898", record.SequenceNumberText);
        Assert.Equal("1", Encoding.UTF8.GetString(record.PartitionKey.Span));
        Assert.Equal("Hello, this is a test.", Encoding.UTF8.GetString(Convert.FromBase64String(Encoding.UTF8.GetString(record.Data.Span))));
        Assert.Equal(new DateTimeOffset(2020, 12, 9, 7, 4, 35, TimeSpan.Zero), record.ArrivalTime);
        Assert.Equal(new TumblingWindow(new(2020, 12, 9, 7, 4, 0, TimeSpan.Zero), new(2020, 12, 9, 7, 6, 0, TimeSpan.Zero)), e.Window);
        Assert.Equal("{\n        \"1\": 282,\n        \"2\": 715\n    }", Encoding.UTF8.GetString(e.State.Span).Replace("\r", "", StringComparison.Ordinal));
        Assert.Equal("shardId-000000000006", e.ShardId);
        Assert.False(e.IsFinalInvokeForWindow);
    }

    [Fact]
    public void An_event_without_a_window_has_no_window_and_no_state()
    {
        var e = KinesisEventReader.Read("""{"Records":[{"kinesis":{"data":"e30=","sequenceNumber":"1","partitionKey":"k"}}]}"""u8.ToArray());

        Assert.Null(e.Window);
        Assert.True(e.State.IsEmpty);
    }

    [Fact]
    public void An_escaped_partition_key_is_unescaped()
    {
        var e = KinesisEventReader.Read("""{"Records":[{"kinesis":{"data":"","sequenceNumber":"1","partitionKey":"caf\u00e9"}}]}"""u8.ToArray());

        Assert.Equal("café", Encoding.UTF8.GetString(e.Records[0].PartitionKey.Span));
    }

    [Fact]
    public void A_partition_key_with_an_escaped_lone_surrogate_is_kept_escaped_rather_than_failing_the_batch()
    {
        var e = KinesisEventReader.Read("""{"Records":[{"kinesis":{"data":"","sequenceNumber":"1","partitionKey":"k\ud800"}}]}"""u8.ToArray());

        Assert.Equal("k\\ud800", Encoding.UTF8.GetString(e.Records[0].PartitionKey.Span));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"Records":{}}""")]
    [InlineData("""{"Records":[1]}""")]
    [InlineData("""{"Records":[{"eventSource":"aws:kinesis"}]}""")]
    [InlineData("""{"Records":[{"kinesis":{"data":"e30="}}]}""")]
    public void A_payload_that_is_not_a_kinesis_event_is_refused_with_a_reason(string payload)
    {
        var error = Assert.Throws<InvalidKinesisEventException>(() => KinesisEventReader.Read(Encoding.UTF8.GetBytes(payload)));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
