using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Paywatch.Local.Notifications;

/// <summary>
/// Delivery to one subscription: its own queue and loop, so a slow webhook holds up neither the file nor the console;
/// up to <see cref="ITopicSubscription.MaxConcurrentDeliveries"/> attempts at once; a failed attempt is retried by the
/// subscription's <see cref="DeliveryPolicy"/> on the topic's clock without holding up the messages behind it, as SNS
/// delivers each message on its own. Every attempt and outcome is recorded in the outbox when there is one.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Attempts abandoned at a stop may still hold the token; the source is left to the collector.")]
internal sealed class SubscriptionDelivery
{
    private readonly Channel<(OutboxEntry Entry, int Retry)> _queue = Channel.CreateUnbounded<(OutboxEntry, int)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ITimer, byte> _retryTimers = new();
    private readonly int _index;
    private readonly LocalTopic _topic;
    private readonly NotificationOutbox? _outbox;
    private readonly TimeProvider _time;
    private readonly Task _loop;
    private readonly CancellationTokenSource _abandon = new();
    private volatile bool _startNoMore;

    public SubscriptionDelivery(int index, ITopicSubscription subscription, LocalTopic topic, NotificationOutbox? outbox, TimeProvider time)
    {
        _index = index;
        Subscription = subscription;
        _topic = topic;
        _outbox = outbox;
        _time = time;
        _loop = Task.Run(RunAsync);
    }

    public ITopicSubscription Subscription { get; }

    /// <summary>Queues a first attempt; false once the topic is closing.</summary>
    public bool Enqueue(OutboxEntry entry) => _queue.Writer.TryWrite((entry, 0));

    /// <summary>Finishes the attempts queued so far; retries still waiting stay in the outbox for the next start.</summary>
    public async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        foreach (var timer in _retryTimers.Keys)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// During a stop that has waited long enough for the queue: no further attempt starts (what is queued stays in the
    /// outbox for the next start), and those under way go on, so that an endpoint that is slow but answers gets each
    /// of them once, recorded; <see cref="StopAsync"/> then completes when they have.
    /// </summary>
    public void StartNoMore()
    {
        _startNoMore = true;
        _queue.Writer.TryComplete();
    }

    /// <summary>
    /// Gives up on the subscription during a stop that waited long enough for the attempts under way too: they are
    /// cancelled and left unrecorded, so the next start delivers them again and counts them as possible duplicates.
    /// </summary>
    public void Abandon()
    {
        StartNoMore();
        _abandon.Cancel();
    }

    private async Task RunAsync()
    {
        var slots = Math.Max(1, Subscription.MaxConcurrentDeliveries);
        using var free = new SemaphoreSlim(slots, slots);
        await foreach (var (entry, retry) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (_startNoMore)
            {
                continue;
            }

            await free.WaitAsync().ConfigureAwait(false);
            if (_startNoMore)
            {
                free.Release();
                continue;
            }

            _ = AttemptAsync(entry, retry).ContinueWith(_ => free.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        for (var i = 0; i < slots; i++)
        {
            await free.WaitAsync().ConfigureAwait(false);
        }
    }

    private async Task AttemptAsync(OutboxEntry entry, int retry)
    {
        try
        {
            _outbox?.MarkTried(_index, entry);
            await Subscription.DeliverAsync(entry.Notification, _abandon.Token).ConfigureAwait(false);
            _outbox?.MarkDone(_index, entry);
            _topic.Delivered();
        }
#pragma warning disable CA1031 // A subscriber's failure (network, disk, SMTP) is retried by its policy, never thrown at the others.
        catch (Exception)
#pragma warning restore CA1031
        {
            // Abandoned at a stop: the attempt stays "tried" in the outbox, delivered again at the next start.
            if (!_abandon.IsCancellationRequested)
            {
                Failed(entry, retry);
            }
        }
        finally
        {
            if (retry == 0)
            {
                _topic.FirstAttemptDone(entry);
            }
        }
    }

    private void Failed(OutboxEntry entry, int retry)
    {
        var delay = Subscription.DeliveryPolicy.DelayBefore(retry + 1);
        _topic.AttemptFailed(Subscription, givenUp: delay is null);
        if (delay is not { } wait)
        {
            _outbox?.MarkDone(_index, entry); // SNS discards a message once its policy is exhausted.
            return;
        }

        _outbox?.MarkFailed(_index, entry);
        if (wait <= TimeSpan.Zero)
        {
            _queue.Writer.TryWrite((entry, retry + 1));
            return;
        }

        ITimer? timer = null;
        timer = _time.CreateTimer(
            state =>
            {
                // After StopAsync the write fails: the entry stays undelivered in the outbox for the next start.
                _queue.Writer.TryWrite((entry, retry + 1));
                if (timer is not null && _retryTimers.TryRemove(timer, out _))
                {
                    timer.Dispose();
                }
            },
            null,
            wait,
            Timeout.InfiniteTimeSpan);
        _retryTimers.TryAdd(timer, 0);
    }
}
