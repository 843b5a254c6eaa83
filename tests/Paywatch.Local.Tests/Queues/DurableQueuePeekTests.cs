using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Queues;

namespace Paywatch.Local.Tests.Queues;

/// <summary>
/// What the web UI reads of the DLQ without being a consumer: <see cref="DurableQueue.Peek"/> lists every message
/// and changes nothing (no receive count, no visibility), and <see cref="DurableQueue.DeleteVisible"/> removes a
/// message by id only while no consumer holds it, so that a consumer's delete with its receipt handle
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html) still works.
/// </summary>
public sealed class DurableQueuePeekTests : IDisposable
{
    private const string QueueName = "transaction-processor-dlq-local";
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(Noon);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Peek_lists_every_message_oldest_first_with_its_visibility_and_receives_none()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, _time);
        var first = queue.SendMessage("batch-1").MessageId;
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = queue.SendMessage("batch-2").MessageId;
        var received = Assert.Single(await queue.ReceiveMessageAsync(1, TimeSpan.FromSeconds(30), TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(first, received.MessageId);

        var peeked = queue.Peek();
        Assert.Equal(
            [new StoredMessage(first, "batch-1", Noon, 1, false), new StoredMessage(second, "batch-2", Noon.AddSeconds(1), 0, true)],
            peeked);

        // Peeking again changes nothing, and the visible message is still there for a consumer.
        Assert.Equal(peeked, queue.Peek());
        Assert.Equal((1, 1), (queue.GetAttributes().ApproximateNumberOfMessages, queue.GetAttributes().ApproximateNumberOfMessagesNotVisible));
        var next = Assert.Single(await queue.ReceiveMessageAsync(10, null, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal((second, 1), (next.MessageId, next.ApproximateReceiveCount));

        // Once the visibility timeout ends, the first shows visible again.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(queue.Peek().Single(m => m.MessageId == first).Visible);
    }

    [Fact]
    public async Task DeleteVisible_deletes_a_visible_message_for_good_but_not_one_in_flight_nor_an_unknown_id()
    {
        string visible, inFlight;
        QueueMessage held;
        using (var queue = new DurableQueue(QueueName, _folder.Path, _time))
        {
            inFlight = queue.SendMessage("held").MessageId;
            visible = queue.SendMessage("waiting").MessageId;
            held = Assert.Single(await queue.ReceiveMessageAsync(1, TimeSpan.FromSeconds(30), TimeSpan.Zero, CancellationToken.None));
            Assert.Equal(inFlight, held.MessageId);

            Assert.False(queue.DeleteVisible(inFlight));
            Assert.False(queue.DeleteVisible("no-such-id"));
            Assert.True(queue.DeleteVisible(visible));
            Assert.False(queue.DeleteVisible(visible));

            Assert.Equal([inFlight], queue.Peek().Select(m => m.MessageId));
            // The consumer's own delete still works.
            Assert.True(queue.DeleteMessage(held.ReceiptHandle));
            Assert.Equal(0, queue.Count);
        }

        using var reopened = new DurableQueue(QueueName, _folder.Path, _time);
        Assert.Empty(reopened.Peek());
    }

    [Fact]
    public async Task A_message_whose_visibility_timeout_ended_can_be_deleted_by_id()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, _time);
        var id = queue.SendMessage("batch").MessageId;
        await queue.ReceiveMessageAsync(1, TimeSpan.FromSeconds(30), TimeSpan.Zero, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(queue.DeleteVisible(id));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(queue.DeleteVisible(id));
        Assert.Equal(0, queue.Count);
    }
}
