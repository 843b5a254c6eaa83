using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Notifications;
using Paywatch.Local.Tests.Queues;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Notifications;

/// <summary>Retries by the SNS delivery policy, the failure counts and AWS/SNS metrics, and the durable outbox.</summary>
public sealed class TopicDeliveryTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_failing_webhook_is_retried_at_the_policy_delays_and_its_attempts_counted_as_SNS_counts_them_for_HTTP()
    {
        var store = new MetricStore(TimeSpan.FromHours(3));
        var webhook = new ScriptedSubscription("http", failures: 2);
        await using var topic = new LocalTopic("alerts", "us-east-1", "000000000000", [webhook], _time, metrics: store);

        topic.Publish("m");
        await topic.FlushAsync();
        Assert.Equal(1, webhook.Attempts);
        _time.Advance(TimeSpan.FromSeconds(19));
        await Task.Delay(50);
        Assert.Equal(1, webhook.Attempts);
        _time.Advance(TimeSpan.FromSeconds(1));
        await webhook.WaitForAttemptsAsync(2);
        _time.Advance(TimeSpan.FromSeconds(20));
        await webhook.WaitForAttemptsAsync(3);
        await WaitUntilAsync(() => topic.DeliveredCount == 1);

        Assert.Equal(2, topic.DeliveryFailures);
        Assert.Equal(0, topic.NotificationsFailed);
        Assert.Equal(2, Sum(store, "NumberOfNotificationsFailed"));
        Assert.Equal(1, Sum(store, "NumberOfNotificationsDelivered"));
        Assert.Equal(1, Sum(store, "NumberOfMessagesPublished"));
    }

    [Fact]
    public async Task An_email_that_keeps_failing_is_given_up_after_its_policy_and_counted_once_as_failed()
    {
        var store = new MetricStore(TimeSpan.FromHours(3));
        var email = new ScriptedSubscription("email", failures: int.MaxValue, new DeliveryPolicy(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), NumRetries: 2));
        await using var topic = new LocalTopic("alerts", "us-east-1", "000000000000", [email], _time, metrics: store);

        topic.Publish("m");
        await topic.FlushAsync();
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            await email.WaitForAttemptsAsync(attempt);
        }

        await WaitUntilAsync(() => topic.NotificationsFailed == 1);
        _time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(50);
        Assert.Equal(3, email.Attempts);
        Assert.Equal(3, topic.DeliveryFailures);
        Assert.Equal(1, Sum(store, "NumberOfNotificationsFailed"));
    }

    [Fact]
    public async Task A_slow_subscription_does_not_hold_up_the_others()
    {
        var path = Path.Combine(_folder.Path, "notifications.jsonl");
        var slow = new ScriptedSubscription("http", failures: 0) { Gate = new TaskCompletionSource() };
        await using var topic = new LocalTopic("alerts", "us-east-1", "000000000000", [slow, new JsonLinesFileSubscription(path)], _time);

        topic.Publish("1");
        topic.Publish("2");
        await WaitUntilAsync(() => File.Exists(path) && ReadLines(path).Count == 2);

        Assert.Equal(1, slow.Attempts);
        slow.Gate.SetResult();
    }

    [Fact]
    public async Task After_a_crash_the_outbox_redelivers_what_a_subscription_had_not_had_and_counts_the_delivery_under_way_as_a_possible_duplicate()
    {
        var outbox = Path.Combine(_folder.Path, "outbox");
        var crashed = Path.Combine(_folder.Path, "crashed");
        var fast = new ScriptedSubscription("file", failures: 0);
        var slow = new ScriptedSubscription("http", failures: 0) { Gate = new TaskCompletionSource() };
        var topic = new LocalTopic("alerts", "us-east-1", "000000000000", [fast, slow], _time, outboxDirectory: outbox);
        var published = Enumerable.Range(1, 3).Select(i => topic.Publish($"m{i}", origin: "paywatch-high-value")).ToList();
        await topic.WhenDurableAsync();
        await WaitUntilAsync(() => fast.Attempts == 3 && slow.Attempts == 1);
        await Task.Delay(50); // The fast subscription's last done mark.

        // The process dies here: the folder as it is now is what a restart finds.
        Directory.CreateDirectory(crashed);
        File.Copy(Path.Combine(outbox, NotificationOutbox.FileName), Path.Combine(crashed, NotificationOutbox.FileName));
        slow.Gate.SetResult();
        await topic.DisposeAsync();

        var fastAgain = new ScriptedSubscription("file", failures: 0);
        var slowAgain = new ScriptedSubscription("http", failures: 0);
        await using (var restarted = new LocalTopic("alerts", "us-east-1", "000000000000", [fastAgain, slowAgain], _time, outboxDirectory: crashed))
        {
            await restarted.FlushAsync();
            Assert.Equal(3, restarted.Recovered.Redelivered);
            Assert.Equal(1, restarted.Recovered.PossibleDuplicates["http:"]);
            Assert.Equal(0, restarted.Recovered.PossibleDuplicates["file:"]);
        }

        Assert.Empty(fastAgain.Delivered);
        Assert.Equal(published.Select(n => n.MessageId), slowAgain.Delivered.Select(n => n.MessageId));
        Assert.Equal(published, slowAgain.Delivered, (a, b) => a.Message == b.Message && a.Origin == b.Origin && a.Timestamp == b.Timestamp && a.TopicArn == b.TopicArn);
    }

    [Fact]
    public async Task The_outbox_is_cut_down_to_what_is_undelivered_once_it_outgrows_its_threshold()
    {
        var outbox = Path.Combine(_folder.Path, "outbox");
        var file = Path.Combine(outbox, NotificationOutbox.FileName);
        var subscription = new ScriptedSubscription("file", failures: 0);
        await using var topic = new LocalTopic("alerts", "us-east-1", "000000000000", [subscription], _time, outboxDirectory: outbox);
        var message = new string('x', 1000);

        for (var i = 0; i < 20_000; i++)
        {
            topic.Publish(message);
            if (i % 100 == 0)
            {
                await topic.WhenDurableAsync();
            }
        }

        await topic.FlushAsync();
        topic.Publish("last");
        await topic.WhenDurableAsync();

        // Compaction follows the flush that made "last" durable, on the flusher's thread.
        await WaitUntilAsync(() => new FileInfo(file).Length < 5 * 1024 * 1024);
        await topic.FlushAsync();
        Assert.Equal(20_001, subscription.Delivered.Count);
    }

    [Fact]
    public async Task Without_subscriptions_a_notification_is_written_and_needs_no_delivery()
    {
        var outbox = Path.Combine(_folder.Path, "outbox");
        await using (var topic = new LocalTopic("alerts", "us-east-1", "000000000000", [], _time, outboxDirectory: outbox))
        {
            topic.Publish("m");
            await topic.WhenDurableAsync();
            await topic.FlushAsync();
            Assert.Contains("\"message\":\"m\"", await File.ReadAllTextAsync(Path.Combine(outbox, NotificationOutbox.FileName)), StringComparison.Ordinal);
        }

        await using var restarted = new LocalTopic("alerts", "us-east-1", "000000000000", [], _time, outboxDirectory: outbox);
        Assert.Equal(0, restarted.Recovered.Redelivered);
    }

    private static List<string> ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Message").GetString()!)];
    }

    private static double Sum(MetricStore store, string metric) =>
        store.GetStatistics(new MetricKey("AWS/SNS", metric, [new("TopicName", "alerts")]), Start.AddHours(-1), Start.AddHours(1), TimeSpan.FromHours(2), Statistic.Sum).Sum(d => d.Value);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    /// <summary>Fails its first <c>failures</c> attempts, then delivers; optionally waits on a gate before answering.</summary>
    private sealed class ScriptedSubscription(string protocol, int failures, DeliveryPolicy? policy = null) : ITopicSubscription
    {
        private int _attempts;

        public string Protocol => protocol;

        public DeliveryPolicy DeliveryPolicy => policy ?? DeliveryPolicy.Http;

        public TaskCompletionSource? Gate { get; init; }

        public int Attempts => Volatile.Read(ref _attempts);

        public List<TopicNotification> Delivered { get; } = [];

        public async Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) <= failures)
            {
                throw new IOException("refused");
            }

            if (Gate is not null)
            {
                await Gate.Task;
            }

            lock (Delivered)
            {
                Delivered.Add(notification);
            }
        }

        public async Task WaitForAttemptsAsync(int count)
        {
            for (var i = 0; i < 500 && Attempts < count; i++)
            {
                await Task.Delay(10);
            }

            Assert.Equal(count, Attempts);
        }
    }
}
