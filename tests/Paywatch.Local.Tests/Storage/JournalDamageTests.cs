using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Notifications;
using Paywatch.Local.Queues;
using Paywatch.Local.Storage;

namespace Paywatch.Local.Tests.Storage;

/// <summary>
/// The damage suite for the journals (the topic's outbox, the DLQ): a crash image is damaged, the next open
/// reports it, delivers every notification whose record is not in the damaged bytes, keeps every message likewise,
/// and works on afterwards.
/// </summary>
public sealed class JournalDamageTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("outbox cut")]
    [InlineData("outbox garbage record")]
    [InlineData("outbox zero-filled")]
    public async Task A_damaged_outbox_delivers_every_notification_outside_the_damage_and_says_what_it_found(string damage)
    {
        var outbox = Path.Combine(_folder.Path, "outbox");
        var crashed = Path.Combine(_folder.Path, "crashed");
        var stuck = new Subscription { Gate = new TaskCompletionSource() };
        List<TopicNotification> published;
        await using (var topic = new LocalTopic("alerts", "us-east-1", "000000000000", [stuck], _time, outboxDirectory: outbox))
        {
            published = [.. Enumerable.Range(0, 200).Select(i => topic.Publish($"notification {i}"))];
            await topic.WhenDurableAsync();
            // The process dies here, nothing delivered: the crash image is the folder as it is now.
            Directory.CreateDirectory(crashed);
            File.Copy(Path.Combine(outbox, NotificationOutbox.FileName), Path.Combine(crashed, NotificationOutbox.FileName));
            stuck.Gate.SetResult();
        }

        var file = Path.Combine(crashed, NotificationOutbox.FileName);
        var bytes = await File.ReadAllBytesAsync(file);
        var offsets = published.ToDictionary(n => n.MessageId, n => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(n.MessageId)));
        Assert.All(offsets.Values, o => Assert.True(o > 0));
        HashSet<string> lost;
        switch (damage)
        {
            case "outbox cut":
                var cut = bytes.Length / 2;
                await File.WriteAllBytesAsync(file, bytes[..cut]);
                // A record whose id lies past the cut, or straddles it, is in the damaged bytes.
                lost = [.. offsets.Where(p => p.Value + 200 > cut).Select(p => p.Key)];
                break;
            case "outbox garbage record":
                var victim = published[50].MessageId;
                bytes[offsets[victim]] ^= 0xFF;
                await File.WriteAllBytesAsync(file, bytes);
                lost = [victim];
                break;
            default:
                await File.WriteAllBytesAsync(file, new byte[bytes.Length]);
                lost = [.. published.Select(n => n.MessageId)];
                break;
        }

        var report = new DataFolderReport();
        var again = new Subscription();
        await using (var restarted = new LocalTopic("alerts", "us-east-1", "000000000000", [again], _time, outboxDirectory: crashed, report: report))
        {
            await restarted.FlushAsync();
            restarted.Publish("after the restart");
            await restarted.WhenDurableAsync();
            await restarted.FlushAsync();
        }

        Assert.Contains(report.Lines, l => l.StartsWith(file, StringComparison.Ordinal));
        var delivered = again.Delivered.Select(n => n.MessageId).ToHashSet();
        Assert.Empty(published.Select(n => n.MessageId).Except(lost).Except(delivered));
        Assert.Contains(again.Delivered, n => n.Message == "after the restart");
        if (damage == "outbox garbage record")
        {
            // One damaged record costs that record, never the 149 after it.
            Assert.Equal(199, delivered.Count - 1);
        }
    }

    [Fact]
    public void A_cut_queue_journal_keeps_every_message_before_the_cut_and_says_so()
    {
        var queues = Path.Combine(_folder.Path, "queues");
        var ids = new List<string>();
        using (var queue = new DurableQueue("dlq", queues, _time))
        {
            for (var i = 0; i < 50; i++)
            {
                ids.Add(queue.SendMessage($"batch {i}").MessageId);
            }
        }

        var file = Path.Combine(queues, "dlq.journal");
        var bytes = File.ReadAllBytes(file);
        var cut = bytes.Length / 2;
        File.WriteAllBytes(file, bytes[..cut]);
        var before = ids.Count(id => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(id)) + 100 < cut);

        var report = new DataFolderReport();
        using var reopened = new DurableQueue("dlq", queues, _time, report: report);

        Assert.InRange(reopened.Count, before, 50);
        Assert.Contains(report.Lines, l => l.StartsWith(file, StringComparison.Ordinal) && l.Contains("cut", StringComparison.Ordinal));
        reopened.SendMessage("after the restart");
        Assert.Contains(reopened.Peek(), m => m.Body == "after the restart");
    }

    [Fact]
    public void A_queue_of_an_earlier_release_is_read_line_by_line_and_a_garbage_line_costs_only_itself()
    {
        var queues = Path.Combine(_folder.Path, "queues");
        Directory.CreateDirectory(queues);
        File.WriteAllText(Path.Combine(queues, "dlq.jsonl"), """
            {"op":"send","id":"a","sent":1,"body":"first"}
            {"op":"send","id":"b","se garbage
            {"op":"send","id":"c","sent":2,"body":"third"}

            """);

        var report = new DataFolderReport();
        using var queue = new DurableQueue("dlq", queues, _time, report: report);

        Assert.Equal(["first", "third"], queue.Peek().Select(m => m.Body));
        Assert.Contains(report.Lines, l => l.Contains("format version 0", StringComparison.Ordinal) && l.Contains("1 unreadable line", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(queues, "dlq.jsonl")));
    }

    private sealed class Subscription : ITopicSubscription
    {
        public string Protocol => "http";

        public TaskCompletionSource? Gate { get; init; }

        public List<TopicNotification> Delivered { get; } = [];

        public async Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken)
        {
            if (Gate is not null)
            {
                await Gate.Task;
            }

            lock (Delivered)
            {
                Delivered.Add(notification);
            }
        }
    }
}
