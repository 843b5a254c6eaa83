using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Paywatch.Local.Tests.Streams;

/// <summary>
/// The unmodified AWS CLI (v1, botocore) against the twin with <c>--endpoint-url</c>: the spec's own put-record command,
/// then reading the record back. Needs <c>aws</c> on the PATH. CLI v1 takes <c>--data</c> as raw text and base64-encodes
/// it itself; it has no <c>--cli-binary-format</c> (v2's switch, which rejects v1's usage with a usage error).
/// </summary>
public sealed class AwsCliTests
{
    [Fact]
    public async Task The_specs_put_record_command_works_and_get_records_reads_it_back()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();
        var data = """{"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1}""";

        var put = await Aws(kinesis, "kinesis", "put-record", "--stream-name", "transaction-stream-local", "--partition-key", "test-2", "--data", data);
        var shardId = put.GetProperty("ShardId").GetString()!;
        var iterator = await Aws(kinesis, "kinesis", "get-shard-iterator", "--stream-name", "transaction-stream-local", "--shard-id", shardId, "--shard-iterator-type", "AT_SEQUENCE_NUMBER", "--starting-sequence-number", put.GetProperty("SequenceNumber").GetString()!);
        var records = await Aws(kinesis, "kinesis", "get-records", "--shard-iterator", iterator.GetProperty("ShardIterator").GetString()!);

        var record = Assert.Single(records.GetProperty("Records").EnumerateArray());
        Assert.Equal(data, Encoding.UTF8.GetString(record.GetProperty("Data").GetBytesFromBase64()));
        Assert.Equal("test-2", record.GetProperty("PartitionKey").GetString());
        Assert.Equal(put.GetProperty("SequenceNumber").GetString(), record.GetProperty("SequenceNumber").GetString());
        // CLI v1 prints timestamps as it received them (cli_timestamp_format "none"): epoch seconds.
        Assert.Equal(kinesis.Time.GetUtcNow().ToUnixTimeSeconds(), record.GetProperty("ApproximateArrivalTimestamp").GetDouble());
        Assert.Equal(0, records.GetProperty("MillisBehindLatest").GetInt64());
    }

    [Fact]
    public async Task The_CLI_lists_and_describes_the_stream_and_reports_AWS_errors()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var shards = await Aws(kinesis, "kinesis", "list-shards", "--stream-name", "transaction-stream-local");
        var summary = await Aws(kinesis, "kinesis", "describe-stream-summary", "--stream-arn", "arn:aws:kinesis:us-east-1:000000000000:stream/transaction-stream-local");
        var (exitCode, _, error) = await Run(kinesis, "kinesis", "describe-stream", "--stream-name", "missing");

        Assert.Equal(5, shards.GetProperty("Shards").GetArrayLength());
        Assert.Equal("ACTIVE", summary.GetProperty("StreamDescriptionSummary").GetProperty("StreamStatus").GetString());
        Assert.NotEqual(0, exitCode);
        Assert.Contains("An error occurred (ResourceNotFoundException) when calling the DescribeStream operation: Stream missing under account 000000000000 not found.", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// No enhanced fan-out consumer is registered: ListStreamConsumers finds none, DescribeStreamConsumer a
    /// ResourceNotFoundException (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamConsumer.html).
    /// </summary>
    [Fact]
    public async Task The_CLI_finds_no_stream_consumers()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();
        const string StreamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/transaction-stream-local";

        var consumers = await Aws(kinesis, "kinesis", "list-stream-consumers", "--stream-arn", StreamArn);
        var (describeExit, _, describeError) = await Run(kinesis, "kinesis", "describe-stream-consumer", "--stream-arn", StreamArn, "--consumer-name", "fan-out");
        var (byArnExit, _, byArnError) = await Run(kinesis, "kinesis", "describe-stream-consumer", "--consumer-arn", StreamArn + "/consumer/fan-out:1764158400");
        var (missingExit, _, missingError) = await Run(kinesis, "kinesis", "list-stream-consumers", "--stream-arn", "arn:aws:kinesis:us-east-1:000000000000:stream/missing");

        Assert.Empty(consumers.GetProperty("Consumers").EnumerateArray());
        Assert.False(consumers.TryGetProperty("NextToken", out _));
        Assert.NotEqual(0, describeExit);
        Assert.Contains("(ResourceNotFoundException) when calling the DescribeStreamConsumer operation: Consumer fan-out under stream transaction-stream-local", describeError, StringComparison.Ordinal);
        Assert.NotEqual(0, byArnExit);
        Assert.Contains("ResourceNotFoundException", byArnError, StringComparison.Ordinal);
        Assert.NotEqual(0, missingExit);
        Assert.Contains("ResourceNotFoundException", missingError, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> Aws(KinesisEndpoint kinesis, params string[] arguments)
    {
        var (exitCode, output, error) = await Run(kinesis, arguments);
        Assert.True(exitCode == 0, $"aws {string.Join(' ', arguments)} exited {exitCode}: {error}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static Task<(int ExitCode, string Output, string Error)> Run(KinesisEndpoint kinesis, params string[] arguments) =>
        AwsCli.RunAsync(kinesis.Server.Url, arguments);
}
