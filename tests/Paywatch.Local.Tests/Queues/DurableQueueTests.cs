using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Queues;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Queues;

public sealed class DurableQueueTests : IDisposable
{
    private const string QueueName = "transaction-processor-dlq-local";
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_sent_message_is_kept_across_a_restart_until_deleted()
    {
        using (var queue = new DurableQueue(QueueName, _folder.Path, _time))
        {
            queue.SendMessage("batch-1");
            queue.SendMessage("batch-2");
        }

        using (var reopened = new DurableQueue(QueueName, _folder.Path, _time))
        {
            var received = await reopened.ReceiveMessageAsync(10, null, TimeSpan.Zero, CancellationToken.None);
            Assert.Equal(["batch-1", "batch-2"], received.Select(m => m.Body));
            Assert.True(reopened.DeleteMessage(received[0].ReceiptHandle));
        }

        using var again = new DurableQueue(QueueName, _folder.Path, _time);
        Assert.Equal(1, again.Count);
    }

    [Fact]
    public async Task A_received_message_is_hidden_for_the_visibility_timeout_then_comes_back()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, _time);
        queue.SendMessage("batch");

        var first = Assert.Single(await queue.ReceiveMessageAsync(1, TimeSpan.FromSeconds(30), TimeSpan.Zero, CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await queue.ReceiveMessageAsync(1, null, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal((0, 1), (queue.GetAttributes().ApproximateNumberOfMessages, queue.GetAttributes().ApproximateNumberOfMessagesNotVisible));

        _time.Advance(TimeSpan.FromSeconds(1));
        var second = Assert.Single(await queue.ReceiveMessageAsync(1, null, TimeSpan.Zero, CancellationToken.None));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.NotEqual(first.ReceiptHandle, second.ReceiptHandle);
        Assert.Equal(2, second.ApproximateReceiveCount);
        Assert.Equal(first.ApproximateFirstReceiveTimestamp, second.ApproximateFirstReceiveTimestamp);
    }

    /// <summary>https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html</summary>
    [Fact]
    public async Task Only_the_latest_receipt_handle_deletes_and_an_unknown_handle_is_invalid()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, _time);
        queue.SendMessage("batch");
        var first = Assert.Single(await queue.ReceiveMessageAsync(1, TimeSpan.Zero, TimeSpan.Zero, CancellationToken.None));
        var second = Assert.Single(await queue.ReceiveMessageAsync(1, null, TimeSpan.Zero, CancellationToken.None));

        Assert.False(queue.DeleteMessage(first.ReceiptHandle));
        Assert.Equal(1, queue.Count);
        Assert.True(queue.DeleteMessage(second.ReceiptHandle));
        Assert.False(queue.DeleteMessage(second.ReceiptHandle));
        Assert.Throws<ReceiptHandleIsInvalidException>(() => queue.DeleteMessage("not-a-handle"));
    }

    [Fact]
    public async Task A_long_poll_returns_the_message_sent_while_it_waits()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, _time);
        var poll = queue.ReceiveMessageAsync(10, null, TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.False(poll.IsCompleted);

        queue.SendMessage("late batch");

        var message = Assert.Single(await poll.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("late batch", message.Body);
    }

    [Fact]
    public async Task A_long_poll_with_nothing_to_receive_ends_empty_at_the_wait_time()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, _time);
        var poll = queue.ReceiveMessageAsync(10, null, TimeSpan.FromSeconds(20), CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(19));
        await Task.Yield();
        Assert.False(poll.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(await poll.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_torn_tail_from_a_crash_is_cut_and_earlier_messages_kept()
    {
        using (var queue = new DurableQueue(QueueName, _folder.Path, _time))
        {
            queue.SendMessage("acknowledged");
        }

        // A frame's header and the start of its payload: the append a crash cut short.
        File.AppendAllText(Path.Combine(_folder.Path, QueueName + ".journal"), "PW\u0001\u0002\u0003\u0004\u0001\u0000\u00ff\u0000\u0000\u0000{\"op\":\"send\",\"id\":\"x\"");

        using var reopened = new DurableQueue(QueueName, _folder.Path, _time);
        Assert.Equal(1, reopened.Count);
        reopened.SendMessage("after the crash");
        Assert.Equal(2, reopened.Count);
    }

    [Fact]
    public void The_MD5_of_the_body_is_the_hex_digest_SQS_returns()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, _time);

        // MD5("hello") as in RFC 1321's test suite style: 5d41402abc4b2a76b9719d911017c592.
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", queue.SendMessage("hello").Md5OfMessageBody);
    }

    /// <summary>
    /// SQS reports an active queue's gauges every minute, empty or not ("Available CloudWatch metrics for
    /// Amazon SQS", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html):
    /// the minute the twin's queue opens in has a depth of 0, not missing data.
    /// </summary>
    [Fact]
    public void An_empty_queue_reports_a_depth_of_0_from_the_minute_it_opens()
    {
        var store = new MetricStore(TimeSpan.FromHours(1));
        using var queue = new DurableQueue(QueueName, _folder.Path, _time, store);

        var depth = store.GetStatistics(
            new MetricKey("AWS/SQS", "ApproximateNumberOfMessagesVisible", [KeyValuePair.Create("QueueName", QueueName)]),
            _time.GetUtcNow(), _time.GetUtcNow().AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Maximum);

        var only = Assert.Single(depth);
        Assert.Equal(_time.GetUtcNow(), only.Timestamp);
        Assert.Equal(0, only.Value);
    }

    [Fact]
    public void Depth_and_sends_reach_the_metric_store_under_the_AWS_SQS_names()
    {
        var store = new MetricStore(TimeSpan.FromHours(1));
        using var queue = new DurableQueue(QueueName, _folder.Path, _time, store);
        queue.SendMessage("a");
        queue.SendMessage("b");

        var dimension = new[] { KeyValuePair.Create("QueueName", QueueName) };
        var depth = store.GetStatistics(new MetricKey("AWS/SQS", "ApproximateNumberOfMessagesVisible", dimension), _time.GetUtcNow().AddMinutes(-1), _time.GetUtcNow().AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Maximum);
        var sent = store.GetStatistics(new MetricKey("AWS/SQS", "NumberOfMessagesSent", dimension), _time.GetUtcNow().AddMinutes(-1), _time.GetUtcNow().AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Sum);

        Assert.Equal(2, Assert.Single(depth).Value);
        Assert.Equal(2, Assert.Single(sent).Value);
    }

    [Fact]
    public async Task A_delay_and_the_attributes_survive_a_restart()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var attributes = new Dictionary<string, MessageAttributeValue>
        {
            ["kind"] = new("String", "batch", null),
            ["blob"] = new("Binary", null, [1, 2, 3]),
        };
        using (var queue = new DurableQueue("q", _folder.Path, time))
        {
            queue.SendMessage("later", TimeSpan.FromMinutes(5), attributes);
        }

        using var reopened = new DurableQueue("q", _folder.Path, time);
        var early = await reopened.ReceiveMessageAsync(10, null, TimeSpan.Zero, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(5));
        var message = Assert.Single(await reopened.ReceiveMessageAsync(10, null, TimeSpan.Zero, CancellationToken.None));

        Assert.Empty(early);
        Assert.Equal("batch", message.MessageAttributes["kind"].StringValue);
        Assert.Equal([1, 2, 3], message.MessageAttributes["blob"].BinaryValue);
    }

    /// <summary>The digests published with an implementation of SQS's documented encoding (String, Number.float, Binary).</summary>
    [Fact]
    public void The_attribute_digest_is_SQS_encoding()
    {
        var attributes = new Dictionary<string, MessageAttributeValue>
        {
            ["attribName1"] = new("String", "attribValue 1", null),
            ["customNumberTypeAttrib"] = new("Number.float", "4563442423554324324264524243.32543234", null),
            ["binaryAttribute"] = new("Binary", null, Encoding.UTF8.GetBytes("Hello binary world!")),
        };

        Assert.Equal("c932db14a896c663f83c260297d594ff", MessageAttributeValue.Md5(attributes));
        Assert.Equal("31a92b15d92f8db860eda32aceb656c3", MessageAttributeValue.Md5(new Dictionary<string, MessageAttributeValue> { ["binaryAttribute"] = attributes["binaryAttribute"] }));
    }
}
