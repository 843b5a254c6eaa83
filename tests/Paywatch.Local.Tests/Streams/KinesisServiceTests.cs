using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Streams;

namespace Paywatch.Local.Tests.Streams;

/// <summary>The Kinesis API over HTTP, shapes and errors per the Kinesis API Reference (https://docs.aws.amazon.com/kinesis/latest/APIReference/).</summary>
public sealed class KinesisServiceTests
{
    private const string Stream = "transaction-stream-local";
    private const string Arn = "arn:aws:kinesis:us-east-1:000000000000:stream/transaction-stream-local";

    [Fact]
    public async Task PutRecord_then_GetRecords_from_TRIM_HORIZON_returns_the_record_with_its_fields()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();
        var data = """{"transaction_id":"txn-001","amount":1500}""";

        var put = await kinesis.OkAsync("PutRecord", new { StreamName = Stream, PartitionKey = "test-1", Data = Base64(data) });
        var shardId = put.GetProperty("ShardId").GetString()!;
        var sequenceNumber = put.GetProperty("SequenceNumber").GetString()!;
        var iterator = await kinesis.OkAsync("GetShardIterator", new { StreamName = Stream, ShardId = shardId, ShardIteratorType = "TRIM_HORIZON" });
        var got = await kinesis.OkAsync("GetRecords", new { ShardIterator = iterator.GetProperty("ShardIterator").GetString() });

        Assert.Matches("^[0-9]+$", sequenceNumber);
        var record = Assert.Single(got.GetProperty("Records").EnumerateArray());
        Assert.Equal(sequenceNumber, record.GetProperty("SequenceNumber").GetString());
        Assert.Equal("test-1", record.GetProperty("PartitionKey").GetString());
        Assert.Equal(data, Encoding.UTF8.GetString(record.GetProperty("Data").GetBytesFromBase64()));
        Assert.Equal(kinesis.Time.GetUtcNow().ToUnixTimeSeconds(), record.GetProperty("ApproximateArrivalTimestamp").GetDouble());
        Assert.Equal(0, got.GetProperty("MillisBehindLatest").GetInt64());

        var next = await kinesis.OkAsync("GetRecords", new { ShardIterator = got.GetProperty("NextShardIterator").GetString() });
        Assert.Empty(next.GetProperty("Records").EnumerateArray());
        Assert.True(next.TryGetProperty("NextShardIterator", out _));
    }

    [Fact]
    public async Task PutRecords_answers_each_record_in_order_with_FailedRecordCount()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var put = await kinesis.OkAsync("PutRecords", new
        {
            StreamARN = Arn,
            Records = Enumerable.Range(1, 3).Select(i => new { PartitionKey = $"test-{i}", Data = Base64($"r{i}") }).ToArray(),
        });

        Assert.Equal(0, put.GetProperty("FailedRecordCount").GetInt32());
        var records = put.GetProperty("Records").EnumerateArray().ToList();
        Assert.Equal(3, records.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(kinesis.Stream.ShardFor(new PutRecordEntry($"test-{i + 1}", Array.Empty<byte>())), records[i].GetProperty("ShardId").GetString());
            Assert.False(records[i].TryGetProperty("ErrorCode", out _));
        }
    }

    [Fact]
    public async Task A_throttled_record_gets_its_error_in_PutRecords_and_fails_PutRecord()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync(o => o with { EnforceShardWriteLimits = true });
        for (var i = 0; i < 2; i++)
        {
            var fits = await kinesis.OkAsync("PutRecords", new { StreamName = Stream, Records = Enumerable.Range(0, 500).Select(_ => new { PartitionKey = "k", Data = Base64("x") }).ToArray() });
            Assert.Equal(0, fits.GetProperty("FailedRecordCount").GetInt32());
        }

        string ShardOf(string key) => kinesis.Stream.ShardFor(new PutRecordEntry(key, Array.Empty<byte>()));
        var other = Enumerable.Range(0, 100).Select(i => $"other-{i}").First(key => ShardOf(key) != ShardOf("k"));
        var put = await kinesis.OkAsync("PutRecords", new { StreamName = Stream, Records = new[] { new { PartitionKey = other, Data = Base64("x") }, new { PartitionKey = "k", Data = Base64("x") } } });
        var error = await kinesis.ErrorAsync("PutRecord", new { StreamName = Stream, PartitionKey = "k", Data = Base64("x") });

        Assert.Equal(1, put.GetProperty("FailedRecordCount").GetInt32());
        Assert.True(put.GetProperty("Records")[0].TryGetProperty("SequenceNumber", out _), "another shard has its own limit");
        var refused = put.GetProperty("Records")[1];
        Assert.Equal("ProvisionedThroughputExceededException", refused.GetProperty("ErrorCode").GetString());
        Assert.StartsWith("Rate exceeded for shard shardId-", refused.GetProperty("ErrorMessage").GetString(), StringComparison.Ordinal);
        Assert.False(refused.TryGetProperty("SequenceNumber", out _));
        Assert.Equal("ProvisionedThroughputExceededException", error.Type);
    }

    [Fact]
    public async Task PutRecords_takes_at_most_500_records()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var (type, message) = await kinesis.ErrorAsync("PutRecords", new { StreamName = Stream, Records = Enumerable.Range(0, 501).Select(_ => new { PartitionKey = "k", Data = Base64("x") }).ToArray() });

        Assert.Equal("ValidationException", type);
        Assert.Contains("'records' failed to satisfy constraint: Member must have length less than or equal to 500", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_over_1_MiB_and_a_request_over_5_MiB_are_refused()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();
        var mebibyte = Convert.ToBase64String(new byte[1024 * 1024]);

        var tooBig = await kinesis.ErrorAsync("PutRecord", new { StreamName = Stream, PartitionKey = "k", Data = Convert.ToBase64String(new byte[(1024 * 1024) + 1]) });
        var tooMuch = await kinesis.ErrorAsync("PutRecords", new { StreamName = Stream, Records = Enumerable.Range(0, 5).Select(_ => new { PartitionKey = "k", Data = mebibyte }).ToArray() });

        Assert.Equal("ValidationException", tooBig.Type);
        Assert.Equal("InvalidArgumentException", tooMuch.Type);
    }

    [Fact]
    public async Task A_missing_partition_key_is_a_ValidationException()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var (type, message) = await kinesis.ErrorAsync("PutRecord", new { StreamName = Stream, Data = Base64("x") });

        Assert.Equal("ValidationException", type);
        Assert.Equal("1 validation error detected: Value null at 'partitionKey' failed to satisfy constraint: Member must not be null", message);
    }

    [Fact]
    public async Task An_unknown_stream_is_a_ResourceNotFoundException()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var (type, message) = await kinesis.ErrorAsync("DescribeStreamSummary", new { StreamName = "nope" });

        Assert.Equal("ResourceNotFoundException", type);
        Assert.Equal("Stream nope under account 000000000000 not found.", message);
    }

    [Fact]
    public async Task ListStreams_and_DescribeStreamSummary_describe_the_stream_by_name_or_ARN()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var list = await kinesis.OkAsync("ListStreams", new { });
        var summary = (await kinesis.OkAsync("DescribeStreamSummary", new { StreamARN = Arn })).GetProperty("StreamDescriptionSummary");

        Assert.Equal([Stream], list.GetProperty("StreamNames").EnumerateArray().Select(e => e.GetString()));
        Assert.False(list.GetProperty("HasMoreStreams").GetBoolean());
        Assert.Equal(Stream, summary.GetProperty("StreamName").GetString());
        Assert.Equal(Arn, summary.GetProperty("StreamARN").GetString());
        Assert.Equal("ACTIVE", summary.GetProperty("StreamStatus").GetString());
        Assert.Equal(24, summary.GetProperty("RetentionPeriodHours").GetInt32());
        Assert.Equal(5, summary.GetProperty("OpenShardCount").GetInt32());
        Assert.Equal(7, summary.GetProperty("EnhancedMonitoring")[0].GetProperty("ShardLevelMetrics").GetArrayLength());
    }

    [Fact]
    public async Task ListShards_and_DescribeStream_give_five_shards_covering_the_hash_key_space()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var listed = (await kinesis.OkAsync("ListShards", new { StreamName = Stream })).GetProperty("Shards").EnumerateArray().ToList();
        var described = (await kinesis.OkAsync("DescribeStream", new { StreamName = Stream })).GetProperty("StreamDescription");
        var paged = await kinesis.OkAsync("ListShards", new { StreamName = Stream, MaxResults = 2 });
        var rest = await kinesis.OkAsync("ListShards", new { NextToken = paged.GetProperty("NextToken").GetString() });

        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003", "shardId-000000000004"], listed.Select(s => s.GetProperty("ShardId").GetString()));
        Assert.Equal("0", listed[0].GetProperty("HashKeyRange").GetProperty("StartingHashKey").GetString());
        // ⌊2^128 / 5⌋ − 1 and 2^128 − 1.
        Assert.Equal("68056473384187692692674921486353642290", listed[0].GetProperty("HashKeyRange").GetProperty("EndingHashKey").GetString());
        Assert.Equal("340282366920938463463374607431768211455", listed[4].GetProperty("HashKeyRange").GetProperty("EndingHashKey").GetString());
        Assert.Equal(5, described.GetProperty("Shards").GetArrayLength());
        Assert.False(described.GetProperty("HasMoreShards").GetBoolean());
        Assert.Equal(2, paged.GetProperty("Shards").GetArrayLength());
        Assert.Equal(3, rest.GetProperty("Shards").GetArrayLength());
    }

    [Fact]
    public async Task Iterators_start_at_after_latest_or_at_a_timestamp()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();
        var sequenceNumbers = new List<string>();
        string shardId = "";
        for (var i = 0; i < 4; i++)
        {
            var put = await kinesis.OkAsync("PutRecord", new { StreamName = Stream, PartitionKey = "k", Data = Base64($"r{i}") });
            shardId = put.GetProperty("ShardId").GetString()!;
            sequenceNumbers.Add(put.GetProperty("SequenceNumber").GetString()!);
            kinesis.Time.Advance(TimeSpan.FromSeconds(10));
        }

        async Task<List<string>> ReadFrom(object request)
        {
            var iterator = (await kinesis.OkAsync("GetShardIterator", request)).GetProperty("ShardIterator").GetString();
            var records = await kinesis.OkAsync("GetRecords", new { ShardIterator = iterator });
            return [.. records.GetProperty("Records").EnumerateArray().Select(r => Encoding.UTF8.GetString(r.GetProperty("Data").GetBytesFromBase64()))];
        }

        Assert.Equal(["r1", "r2", "r3"], await ReadFrom(new { StreamName = Stream, ShardId = shardId, ShardIteratorType = "AT_SEQUENCE_NUMBER", StartingSequenceNumber = sequenceNumbers[1] }));
        Assert.Equal(["r2", "r3"], await ReadFrom(new { StreamName = Stream, ShardId = shardId, ShardIteratorType = "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber = sequenceNumbers[1] }));
        Assert.Empty(await ReadFrom(new { StreamName = Stream, ShardId = shardId, ShardIteratorType = "LATEST" }));
        var third = new DateTimeOffset(2026, 11, 26, 12, 0, 20, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal(["r2", "r3"], await ReadFrom(new { StreamName = Stream, ShardId = shardId, ShardIteratorType = "AT_TIMESTAMP", Timestamp = third - 0.5 }));
        Assert.Empty(await ReadFrom(new { StreamName = Stream, ShardId = shardId, ShardIteratorType = "AT_TIMESTAMP", Timestamp = third + 3600 }));
    }

    [Fact]
    public async Task A_LATEST_iterator_reads_what_is_written_after_it()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();
        var shardId = kinesis.Stream.ShardFor(new PutRecordEntry("k", Array.Empty<byte>()));
        var iterator = (await kinesis.OkAsync("GetShardIterator", new { StreamName = Stream, ShardId = shardId, ShardIteratorType = "LATEST" })).GetProperty("ShardIterator").GetString();

        await kinesis.OkAsync("PutRecord", new { StreamName = Stream, PartitionKey = "k", Data = Base64("new") });

        var records = await kinesis.OkAsync("GetRecords", new { ShardIterator = iterator });
        Assert.Single(records.GetProperty("Records").EnumerateArray());
    }

    [Fact]
    public async Task A_sequence_number_from_another_shard_is_an_InvalidArgumentException()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();
        var put = await kinesis.OkAsync("PutRecord", new { StreamName = Stream, PartitionKey = "k", Data = Base64("x") });
        var other = put.GetProperty("ShardId").GetString() == "shardId-000000000000" ? "shardId-000000000001" : "shardId-000000000000";

        var (type, _) = await kinesis.ErrorAsync("GetShardIterator", new { StreamName = Stream, ShardId = other, ShardIteratorType = "AT_SEQUENCE_NUMBER", StartingSequenceNumber = put.GetProperty("SequenceNumber").GetString() });
        var missing = await kinesis.ErrorAsync("GetShardIterator", new { StreamName = Stream, ShardId = "shardId-000000000009", ShardIteratorType = "LATEST" });
        var badType = await kinesis.ErrorAsync("GetShardIterator", new { StreamName = Stream, ShardId = other, ShardIteratorType = "OLDEST" });

        Assert.Equal("InvalidArgumentException", type);
        Assert.Equal("ResourceNotFoundException", missing.Type);
        Assert.Equal("ValidationException", badType.Type);
    }

    /// <summary>"A shard iterator expires 5 minutes after it is returned to the requester." (API_GetShardIterator)</summary>
    [Fact]
    public async Task A_shard_iterator_expires_after_five_minutes()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();
        var iterator = (await kinesis.OkAsync("GetShardIterator", new { StreamName = Stream, ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" })).GetProperty("ShardIterator").GetString();
        kinesis.Time.Advance(TimeSpan.FromMinutes(5));
        var next = (await kinesis.OkAsync("GetRecords", new { ShardIterator = iterator })).GetProperty("NextShardIterator").GetString();

        kinesis.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(1));

        var (type, message) = await kinesis.ErrorAsync("GetRecords", new { ShardIterator = next });
        Assert.Equal("ExpiredIteratorException", type);
        Assert.StartsWith("Iterator expired.", message, StringComparison.Ordinal);
        Assert.EndsWith("tolerated delay of 300000 milliseconds.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecords_honours_its_limit_and_reports_how_far_behind_it_is()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();
        await kinesis.OkAsync("PutRecords", new { StreamName = Stream, Records = Enumerable.Range(0, 5).Select(i => new { PartitionKey = "k", Data = Base64($"r{i}") }).ToArray() });
        var shardId = kinesis.Stream.ShardFor(new PutRecordEntry("k", Array.Empty<byte>()));
        var iterator = (await kinesis.OkAsync("GetShardIterator", new { StreamName = Stream, ShardId = shardId, ShardIteratorType = "TRIM_HORIZON" })).GetProperty("ShardIterator").GetString();
        kinesis.Time.Advance(TimeSpan.FromSeconds(3));

        var first = await kinesis.OkAsync("GetRecords", new { ShardIterator = iterator, Limit = 2 });
        var rest = await kinesis.OkAsync("GetRecords", new { ShardIterator = first.GetProperty("NextShardIterator").GetString() });
        var tooMany = await kinesis.ErrorAsync("GetRecords", new { ShardIterator = iterator, Limit = 10_001 });

        Assert.Equal(2, first.GetProperty("Records").GetArrayLength());
        Assert.Equal(3000, first.GetProperty("MillisBehindLatest").GetInt64());
        Assert.Equal(3, rest.GetProperty("Records").GetArrayLength());
        Assert.Equal(0, rest.GetProperty("MillisBehindLatest").GetInt64());
        Assert.Equal("ValidationException", tooMany.Type);
    }

    [Fact]
    public async Task An_unknown_operation_is_refused()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var (type, _) = await kinesis.ErrorAsync("CreateStream", new { StreamName = "other", ShardCount = 1 });

        Assert.Equal("UnknownOperationException", type);
    }

    internal static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
