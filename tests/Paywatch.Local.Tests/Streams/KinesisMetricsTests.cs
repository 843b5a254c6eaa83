using Paywatch.Local.Streams;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Streams;

/// <summary>
/// AWS/Kinesis metrics under the names and dimensions of "Monitoring the Amazon Kinesis Data Streams service with
/// Amazon CloudWatch" (https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html).
/// </summary>
public sealed class KinesisMetricsTests
{
    private const string Stream = "transaction-stream-local";

    [Fact]
    public async Task Writes_count_incoming_records_and_bytes_per_stream_and_per_shard()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        await kinesis.OkAsync("PutRecord", new { StreamName = Stream, PartitionKey = "k", Data = KinesisServiceTests.Base64("12345") });
        await kinesis.OkAsync("PutRecords", new { StreamName = Stream, Records = Enumerable.Range(0, 10).Select(i => new { PartitionKey = $"key-{i}", Data = KinesisServiceTests.Base64("abc") }).ToArray() });

        Assert.Equal(11, Sum(kinesis, "IncomingRecords"));
        Assert.Equal(5 + 30, Sum(kinesis, "IncomingBytes"));
        Assert.Equal(1, Sum(kinesis, "PutRecord.Success"));
        Assert.Equal(10, Sum(kinesis, "PutRecords.TotalRecords"));
        Assert.Equal(10, Sum(kinesis, "PutRecords.SuccessfulRecords"));
        Assert.Equal(0, Sum(kinesis, "PutRecords.FailedRecords"));
        Assert.Equal(0, Sum(kinesis, "PutRecords.ThrottledRecords"));
        var shardRecords = kinesis.Stream.ShardIds.Sum(shard => Sum(kinesis, "IncomingRecords", shard));
        Assert.Equal(11, shardRecords);
        var shardOfK = kinesis.Stream.ShardFor(new PutRecordEntry("k", Array.Empty<byte>()));
        Assert.True(Sum(kinesis, "IncomingBytes", shardOfK) >= 5);
    }

    [Fact]
    public async Task Throttled_records_count_as_WriteProvisionedThroughputExceeded_and_PutRecords_ThrottledRecords()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync(o => o with { EnforceShardWriteLimits = true });
        var shard = kinesis.Stream.ShardFor(new PutRecordEntry("k", Array.Empty<byte>()));

        for (var i = 0; i < 3; i++)
        {
            await kinesis.OkAsync("PutRecords", new { StreamName = Stream, Records = Enumerable.Range(0, 400).Select(_ => new { PartitionKey = "k", Data = KinesisServiceTests.Base64("x") }).ToArray() });
        }

        Assert.Equal(200, Sum(kinesis, "WriteProvisionedThroughputExceeded"));
        Assert.Equal(200, Sum(kinesis, "WriteProvisionedThroughputExceeded", shard));
        Assert.Equal(200, Sum(kinesis, "PutRecords.ThrottledRecords"));
        Assert.Equal(1000, Sum(kinesis, "IncomingRecords"));
    }

    [Fact]
    public async Task GetRecords_and_reads_reported_by_a_poller_feed_the_read_metrics()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();
        var put = await kinesis.OkAsync("PutRecords", new { StreamName = Stream, Records = Enumerable.Range(0, 4).Select(_ => new { PartitionKey = "k", Data = KinesisServiceTests.Base64("abcd") }).ToArray() });
        var shard = put.GetProperty("Records")[0].GetProperty("ShardId").GetString()!;
        kinesis.Time.Advance(TimeSpan.FromSeconds(2));
        var iterator = (await kinesis.OkAsync("GetShardIterator", new { StreamName = Stream, ShardId = shard, ShardIteratorType = "TRIM_HORIZON" })).GetProperty("ShardIterator").GetString();

        await kinesis.OkAsync("GetRecords", new { ShardIterator = iterator });
        // The event-source mapping's poller reads through IShardSource and reports through IStreamReadMetrics.
        ((IStreamReadMetrics)kinesis.Stream).RecordRead(shard, 2, 8, TimeSpan.FromSeconds(70));

        Assert.Equal(2, Sum(kinesis, "GetRecords.Success"));
        Assert.Equal(6, Sum(kinesis, "GetRecords.Records"));
        Assert.Equal(24, Sum(kinesis, "GetRecords.Bytes"));
        Assert.Equal(70_000, Statistic(kinesis, "GetRecords.IteratorAgeMilliseconds", null, Monitoring.Metrics.Statistic.Maximum));
        Assert.Equal(2000, Statistic(kinesis, "IteratorAgeMilliseconds", shard, Monitoring.Metrics.Statistic.Minimum));
        Assert.Equal(6, Sum(kinesis, "OutgoingRecords", shard));
        Assert.Equal(24, Sum(kinesis, "OutgoingBytes", shard));
        Assert.Equal(0, Sum(kinesis, "ReadProvisionedThroughputExceeded", shard));
    }

    private static double Sum(KinesisEndpoint kinesis, string name, string? shardId = null) =>
        Statistic(kinesis, name, shardId, Monitoring.Metrics.Statistic.Sum);

    private static double Statistic(KinesisEndpoint kinesis, string name, string? shardId, Statistic statistic)
    {
        var dimensions = new List<KeyValuePair<string, string>> { new("StreamName", Stream) };
        if (shardId is not null)
        {
            dimensions.Add(new("ShardId", shardId));
        }

        var now = kinesis.Time.GetUtcNow();
        var points = kinesis.Metrics.GetStatistics(new MetricKey("AWS/Kinesis", name, dimensions), now.AddHours(-1), now.AddHours(1), TimeSpan.FromHours(2), statistic);
        return points.Count == 0 ? 0 : Assert.Single(points).Value;
    }
}
