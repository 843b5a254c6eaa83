using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.EventSourceMapping;
using Paywatch.Local.Queues;
using Paywatch.Local.Streams;

namespace Paywatch.Local.Tests.EventSourceMapping;

/// <summary>
/// Redriving the DLQ: each message is Lambda's on-failure invocation record, written here by the twin's own
/// <see cref="OnFailureInvocationRecord.Write"/>; it names the batch (KinesisBatchInfo: shard, first and last
/// sequence numbers, size), not its records (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html).
/// The records are read back from the stream and put again in order with their partition keys; the message goes only
/// once all of them are acknowledged, and every message that cannot be redriven stays, with the reason.
/// </summary>
public sealed class FailedBatchRedriveTests : IAsyncDisposable
{
    private const string FunctionArn = "arn:aws:lambda:us-east-1:000000000000:function:transaction-processor-local";
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(Noon);
    private DurableStream? _stream;
    private DurableQueue? _queue;

    private DurableStream Stream => _stream ??= Open();

    private DurableQueue Queue => _queue ??= new DurableQueue("transaction-processor-dlq-local", Path.Combine(_folder.Path, "queues"), _time);

    public async ValueTask DisposeAsync()
    {
        _queue?.Dispose();
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task The_batchs_records_go_back_on_the_stream_in_order_with_their_partition_keys_and_the_message_goes()
    {
        var written = await PutAsync(Enumerable.Range(0, 6).Select(i => ($"card-{i}", $"txn-{i}")));
        // The batch given up on is records 1 to 4: not the first, not the last.
        var id = Queue.SendMessage(Message(written.AsSpan(1..5))).MessageId;
        var end = Stream.LatestSequenceNumber(Shard);

        var (redriven, failed) = await new FailedBatchRedrive(Queue, Stream).RedriveAsync([id], CancellationToken.None);

        Assert.Equal([new RedrivenBatch(id, 4)], redriven);
        Assert.Empty(failed);
        var again = Stream.Read(Shard, end, 100, int.MaxValue);
        Assert.Equal(["card-1", "card-2", "card-3", "card-4"], again.Select(r => r.PartitionKey));
        Assert.Equal(["txn-1", "txn-2", "txn-3", "txn-4"], again.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        Assert.Equal(0, Queue.Count);
    }

    [Fact]
    public async Task With_no_ids_every_visible_message_is_redriven_and_one_in_flight_is_left_alone()
    {
        var written = await PutAsync(Enumerable.Range(0, 3).Select(i => ($"card-{i}", $"txn-{i}")));
        var held = Queue.SendMessage(Message(written.AsSpan(0..1))).MessageId;
        var waiting = Queue.SendMessage(Message(written.AsSpan(1..3))).MessageId;
        Assert.Equal(held, Assert.Single(await Queue.ReceiveMessageAsync(1, TimeSpan.FromSeconds(30), TimeSpan.Zero, CancellationToken.None)).MessageId);

        var (redriven, failed) = await new FailedBatchRedrive(Queue, Stream).RedriveAsync(null, CancellationToken.None);

        Assert.Equal([new RedrivenBatch(waiting, 2)], redriven);
        Assert.Empty(failed);
        Assert.Equal([held], Queue.Peek().Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_message_a_consumer_holds_is_kept_and_its_records_are_not_put()
    {
        var written = await PutAsync([("card-1", "txn-1")]);
        var id = Queue.SendMessage(Message(written)).MessageId;
        await Queue.ReceiveMessageAsync(1, TimeSpan.FromSeconds(30), TimeSpan.Zero, CancellationToken.None);
        var end = Stream.LatestSequenceNumber(Shard);

        var (redriven, failed) = await new FailedBatchRedrive(Queue, Stream).RedriveAsync([id], CancellationToken.None);

        Assert.Empty(redriven);
        Assert.Equal(id, Assert.Single(failed).MessageId);
        Assert.Contains("in flight", failed[0].Reason, StringComparison.Ordinal);
        Assert.Equal(end, Stream.LatestSequenceNumber(Shard));
        Assert.Equal(1, Queue.Count);
    }

    [Fact]
    public async Task A_batch_past_the_streams_retention_keeps_its_message_with_the_reason()
    {
        var written = await PutAsync([("card-1", "txn-1"), ("card-2", "txn-2")]);
        var id = Queue.SendMessage(Message(written)).MessageId;
        // Kinesis's default retention is 24 hours: a day and a minute later the records are gone.
        _time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));

        var (redriven, failed) = await new FailedBatchRedrive(Queue, Stream).RedriveAsync([id], CancellationToken.None);

        Assert.Empty(redriven);
        Assert.Equal(new RedriveFailure(id, "the batch's records have passed the stream's retention period"), Assert.Single(failed));
        Assert.Equal(1, Queue.Count);
    }

    [Fact]
    public async Task A_put_the_stream_refuses_keeps_the_message()
    {
        // Write limits on: 1,000 records in this second fill the shard, so the batch's put is throttled.
        _stream = Open(enforceLimits: true);
        var written = await PutAsync(Enumerable.Range(0, 1000).Select(i => ($"card-{i}", $"txn-{i}")));
        var id = Queue.SendMessage(Message(written.AsSpan(..3))).MessageId;

        var (redriven, failed) = await new FailedBatchRedrive(Queue, Stream).RedriveAsync([id], CancellationToken.None);

        Assert.Empty(redriven);
        Assert.Equal(id, Assert.Single(failed).MessageId);
        Assert.StartsWith("the stream refused 3 of the batch's 3 records (ProvisionedThroughputExceededException)", failed[0].Reason, StringComparison.Ordinal);
        Assert.Equal(1, Queue.Count);

        // A second later the shard takes them, and only then does the message go.
        _time.Advance(TimeSpan.FromSeconds(1));
        var (retried, _) = await new FailedBatchRedrive(Queue, Stream).RedriveAsync([id], CancellationToken.None);
        Assert.Equal([new RedrivenBatch(id, 3)], retried);
        Assert.Equal(0, Queue.Count);
    }

    [Theory]
    [InlineData("not json at all", "the message is not a Kinesis on-failure record with KinesisBatchInfo")]
    [InlineData("""{"requestContext":{}}""", "the message is not a Kinesis on-failure record with KinesisBatchInfo")]
    [InlineData("""{"KinesisBatchInfo":{"shardId":"shardId-000000000000","startSequenceNumber":"x","endSequenceNumber":"1","batchSize":1,"streamArn":"arn:aws:kinesis:us-east-1:000000000000:stream/transaction-stream-local"}}""", "the message is not a Kinesis on-failure record with KinesisBatchInfo")]
    [InlineData("""{"KinesisBatchInfo":{"shardId":"shardId-000000000000","startSequenceNumber":"1","endSequenceNumber":"1","batchSize":1,"streamArn":"arn:aws:kinesis:us-east-1:000000000000:stream/other-stream"}}""", "the batch is of arn:aws:kinesis:us-east-1:000000000000:stream/other-stream shardId-000000000000, not of this twin's stream")]
    public async Task A_message_that_is_not_a_batch_of_this_stream_is_kept_with_the_reason(string body, string reason)
    {
        await PutAsync([("card-1", "txn-1")]);
        var id = Queue.SendMessage(body).MessageId;

        var (redriven, failed) = await new FailedBatchRedrive(Queue, Stream).RedriveAsync([id], CancellationToken.None);

        Assert.Empty(redriven);
        Assert.Equal(id, Assert.Single(failed).MessageId);
        Assert.StartsWith(reason, failed[0].Reason, StringComparison.Ordinal);
        Assert.Equal([body], Queue.Peek().Select(m => m.Body));
    }

    [Fact]
    public async Task An_unknown_id_is_reported_and_nothing_else_happens()
    {
        var written = await PutAsync([("card-1", "txn-1")]);
        Queue.SendMessage(Message(written));

        var (redriven, failed) = await new FailedBatchRedrive(Queue, Stream).RedriveAsync(["no-such-id"], CancellationToken.None);

        Assert.Empty(redriven);
        Assert.Equal(new RedriveFailure("no-such-id", "no such message in the queue (already redriven or deleted)"), Assert.Single(failed));
        Assert.Equal(1, Queue.Count);
    }

    private string Shard => Stream.ShardIds.Single();

    private DurableStream Open(bool enforceLimits = false) => DurableStream.Open(
        new DurableStreamOptions("transaction-stream-local", Path.Combine(_folder.Path, "stream")) { ShardCount = 1, EnforceShardWriteLimits = enforceLimits },
        _time);

    /// <summary>Puts the records and reads them back as the stream stored them.</summary>
    private async Task<StoredRecord[]> PutAsync(IEnumerable<(string Key, string Data)> records)
    {
        var results = await Stream.PutRecordsAsync([.. records.Select(r => new PutRecordEntry(r.Key, Encoding.UTF8.GetBytes(r.Data)))]);
        Assert.All(results, r => Assert.Null(r.ErrorCode));
        var first = results[0].SequenceNumber!.Value;
        return [.. Stream.Read(Shard, first - 1, results.Count, int.MaxValue)];
    }

    /// <summary>Lambda's on-failure record for the batch, as the twin's mapping writes it.</summary>
    private string Message(ReadOnlySpan<StoredRecord> batch) => OnFailureInvocationRecord.Write(
        batch, OnFailureInvocationRecord.RetryAttemptsExhausted, 4, Guid.NewGuid().ToString(), 200, "Unhandled", FunctionArn, Shard, Stream.StreamArn, _time.GetUtcNow());
}
