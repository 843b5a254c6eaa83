using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Notifications;
using Paywatch.Local.Tests.EventSourceMapping;

namespace Paywatch.Local.Tests.Storage;

/// <summary>
/// A stop that finishes: deliveries made during the stop are recorded before the outbox closes (so none is made again
/// under the same MessageId), a slow subscriber finishes the attempts under way and a hung one is given up on after
/// <see cref="LocalTopic.DeliveryStopTimeout"/> and <see cref="LocalTopic.AttemptStopTimeout"/>, and the mapping lets the
/// invocation under way finish and checkpoints it.
/// </summary>
public sealed class GracefulStopTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Deliveries_made_during_a_stop_are_not_made_again_after_the_restart()
    {
        var outbox = Path.Combine(_folder.Path, "outbox");
        var slow = new Webhook { Delay = TimeSpan.FromMilliseconds(2) };
        var topic = new LocalTopic("alerts", "us-east-1", "000000000000", [slow], _time, outboxDirectory: outbox);
        for (var i = 0; i < 200; i++)
        {
            topic.Publish($"notification {i}");
        }

        await topic.WhenDurableAsync();
        await topic.DisposeAsync(); // Most of the 200 are still queued: the stop delivers them.

        var again = new Webhook();
        await using (var restarted = new LocalTopic("alerts", "us-east-1", "000000000000", [again], _time, outboxDirectory: outbox))
        {
            await restarted.FlushAsync();
            Assert.Equal(0, restarted.Recovered.PossibleDuplicateCount);
        }

        var all = slow.Delivered.Concat(again.Delivered).Select(n => n.MessageId).ToList();
        Assert.Equal(200, all.Distinct().Count());
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public async Task A_hung_subscriber_is_given_up_on_after_the_bounded_wait_and_its_notifications_kept()
    {
        var outbox = Path.Combine(_folder.Path, "outbox");
        var hung = new Webhook { Hang = true };
        var topic = new LocalTopic("alerts", "us-east-1", "000000000000", [hung], _time, outboxDirectory: outbox);
        var published = Enumerable.Range(0, 3).Select(i => topic.Publish($"notification {i}")).ToList();
        await topic.WhenDurableAsync();
        await hung.Started.Task;

        var stop = topic.DisposeAsync().AsTask();
        while (!stop.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(stop, Task.Delay(10));
        }

        await stop;
        Assert.Equal(["http:"], topic.AbandonedAtStop);

        var again = new Webhook();
        await using (var restarted = new LocalTopic("alerts", "us-east-1", "000000000000", [again], _time, outboxDirectory: outbox))
        {
            await restarted.FlushAsync();
            Assert.Equal(3, restarted.Recovered.Redelivered);
            // The one under way may have reached the endpoint: counted, and only it.
            Assert.Equal(1, restarted.Recovered.PossibleDuplicateCount);
        }

        Assert.Equal(published.Select(n => n.MessageId), again.Delivered.Select(n => n.MessageId));
    }

    [Fact]
    public async Task A_slow_subscriber_past_the_wait_finishes_the_attempt_under_way_and_is_sent_nothing_twice()
    {
        var outbox = Path.Combine(_folder.Path, "outbox");
        var slow = new Webhook { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var topic = new LocalTopic("alerts", "us-east-1", "000000000000", [slow], _time, outboxDirectory: outbox);
        var published = Enumerable.Range(0, 3).Select(i => topic.Publish($"notification {i}")).ToList();
        await topic.WhenDurableAsync();
        await slow.Started.Task;

        // Past the delivery wait (5 s) the stop starts no more attempts; the one under way then answers within the
        // attempt wait (3 s more).
        var stop = topic.DisposeAsync().AsTask();
        for (var second = 0; second < 7; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(stop, Task.Delay(20));
        }

        Assert.False(stop.IsCompleted);
        slow.Gate.SetResult();
        await stop;
        Assert.Empty(topic.AbandonedAtStop);
        Assert.Equal([published[0].MessageId], slow.Delivered.Select(n => n.MessageId));

        var again = new Webhook();
        await using (var restarted = new LocalTopic("alerts", "us-east-1", "000000000000", [again], _time, outboxDirectory: outbox))
        {
            await restarted.FlushAsync();
            Assert.Equal(2, restarted.Recovered.Redelivered);
            Assert.Equal(0, restarted.Recovered.PossibleDuplicateCount);
        }

        Assert.Equal(published.Skip(1).Select(n => n.MessageId), again.Delivered.Select(n => n.MessageId));
    }

    [Fact]
    public async Task A_stopping_mapping_lets_the_invocation_under_way_finish_and_checkpoints_it()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { BatchSize = 5 });
        var release = new TaskCompletionSource();
        var invoked = new TaskCompletionSource();
        fixture.Function.Before = async (_, _) =>
        {
            invoked.TrySetResult();
            await release.Task;
        };
        for (var i = 0; i < 5; i++)
        {
            fixture.Source.Put(MappingFixture.Shard0, "key", $"r{i}");
        }

        fixture.Mapping.Start();
        await invoked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stop = fixture.Mapping.StopAsync();
        Assert.False(stop.IsCompleted);
        release.SetResult();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        var afterRestart = new ScriptedFunction();
        await fixture.RestartAsync(afterRestart);
        await fixture.Mapping.PollUntilIdleAsync();
        Assert.Empty(afterRestart.EventList);
    }

    private sealed class Webhook : ITopicSubscription
    {
        public string Protocol => "http";

        public TimeSpan Delay { get; init; }

        public bool Hang { get; init; }

        /// <summary>When set, every delivery waits for it (a slow endpoint that does answer).</summary>
        public TaskCompletionSource? Gate { get; init; }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<TopicNotification> Delivered { get; } = [];

        public async Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            if (Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (Gate is not null)
            {
                await Gate.Task.WaitAsync(cancellationToken);
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, CancellationToken.None);
            }

            lock (Delivered)
            {
                Delivered.Add(notification);
            }
        }
    }
}
