using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Notifications;

/// <summary>
/// The local twin's SNS topic (<c>paywatch-alerts-local</c>): <see cref="Publish"/> stamps a message with an id and
/// a time in the notification shape SNS delivers, keeps it among the recent ones, and hands it to every
/// subscription. With an outbox, a notification is first written durably (<see cref="WhenDurableAsync"/>), and what a
/// crash left undelivered is delivered again at start. Each subscription delivers on its own loop, as SNS delivers
/// after Publish has returned, so a slow webhook or SMTP server never holds up the bus, the alarms or the other
/// subscriptions; a failed delivery is retried by the subscription's SNS delivery policy, then discarded and counted.
/// AWS/SNS metrics (NumberOfMessagesPublished, NumberOfNotificationsDelivered, NumberOfNotificationsFailed with
/// TopicName: https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html) go to the metric store
/// when one is given.
/// </summary>
public sealed class LocalTopic : IAsyncDisposable
{
    private readonly IReadOnlyList<ITopicSubscription> _subscriptions;
    private readonly SubscriptionDelivery[] _deliveries;
    private readonly NotificationOutbox? _outbox;
    private readonly MetricStore? _metrics;
    private readonly MetricKey _publishedMetric;
    private readonly MetricKey _deliveredMetric;
    private readonly MetricKey _failedMetric;
    private readonly TimeProvider _time;
    private readonly int _recentLimit;
    private readonly Queue<TopicNotification> _recent = new();
    private readonly Lock _lock = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _flushWaiters = [];
    private readonly string _signingCertUrl;
    private readonly string _unsubscribeUrl;
    private long _sequence;
    private long _published;
    private long _toHandle;
    private long _handled;
    private long _delivered;
    private long _deliveryFailures;
    private long _notificationsFailed;
    private bool _disposed;

    /// <param name="topicName">The topic's name, e.g. <c>paywatch-alerts-local</c>.</param>
    /// <param name="region">The region of its ARN (<c>us-east-1</c>).</param>
    /// <param name="accountId">The account of its ARN (<c>000000000000</c> in the twin).</param>
    /// <param name="subscriptions">Where notifications go; none is allowed (they are still kept as recent).</param>
    /// <param name="timeProvider">The clock of the notifications' Timestamp and of delivery retries.</param>
    /// <param name="recentLimit">How many recent notifications to keep for the terminal and the web UI.</param>
    /// <param name="outboxDirectory">
    /// Where the <see cref="NotificationOutbox"/> keeps notifications until delivered (a folder of the data folder);
    /// null keeps them in memory only, and a crash loses what is undelivered.
    /// </param>
    /// <param name="metrics">Where AWS/SNS metrics go; null for none.</param>
    /// <param name="report">Where repairs of the outbox are reported; null to drop them.</param>
    public LocalTopic(
        string topicName,
        string region,
        string accountId,
        IEnumerable<ITopicSubscription> subscriptions,
        TimeProvider timeProvider,
        int recentLimit = 100,
        string? outboxDirectory = null,
        MetricStore? metrics = null,
        Storage.DataFolderReport? report = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(recentLimit);
        TopicName = topicName;
        Region = region;
        TopicArn = $"arn:aws:sns:{region}:{accountId}:{topicName}";
        var host = $"https://sns.{region}.amazonaws.com";
        _signingCertUrl = $"{host}/SimpleNotificationService-local.pem";
        _unsubscribeUrl = $"{host}/?Action=Unsubscribe&SubscriptionArn={TopicArn}:local";
        _subscriptions = [.. subscriptions];
        _time = timeProvider;
        _recentLimit = recentLimit;
        // Subscriptions are tracked by protocol and endpoint, so a restart with other subscriptions drops theirs.
        var outbox = outboxDirectory is null ? null : NotificationOutbox.Open(outboxDirectory, [.. _subscriptions.Select(s => $"{s.Protocol}:{s.Endpoint}")], report: report);
        _outbox = outbox;
        _metrics = metrics;
        MetricKey Metric(string name) => new("AWS/SNS", name, [new("TopicName", topicName)]);
        _publishedMetric = Metric("NumberOfMessagesPublished");
        _deliveredMetric = Metric("NumberOfNotificationsDelivered");
        _failedMetric = Metric("NumberOfNotificationsFailed");
        _deliveries = [.. _subscriptions.Select((s, i) => new SubscriptionDelivery(i, s, this, outbox, timeProvider))];
        if (outbox is not null)
        {
            var pending = outbox.Pending;
            foreach (var entry in pending)
            {
                // The outbox keeps what the topic stamped itself (ARN, URLs) out of the file.
                entry.Notification = Stamp(entry.Notification.MessageId, entry.Notification.Message, entry.Notification.Subject, entry.Notification.Origin, entry.Notification.Timestamp);
            }

            _toHandle = pending.Count;
            Dispatch(pending);
            outbox.Start(Dispatch);
        }
    }

    public string TopicName { get; }

    public string TopicArn { get; }

    public string Region { get; }

    public IReadOnlyList<ITopicSubscription> Subscriptions => _subscriptions;

    /// <summary>Messages published since start.</summary>
    public long PublishedCount => Interlocked.Read(ref _published);

    /// <summary>Deliveries (one per subscription per message) that succeeded.</summary>
    public long DeliveredCount => Interlocked.Read(ref _delivered);

    /// <summary>Delivery attempts (retries included) that failed.</summary>
    public long DeliveryFailures => Interlocked.Read(ref _deliveryFailures);

    /// <summary>Deliveries discarded after their policy's last retry failed.</summary>
    public long NotificationsFailed => Interlocked.Read(ref _notificationsFailed);

    /// <summary>What the outbox found undelivered at start: redelivered, and how many of those may be duplicates.</summary>
    public OutboxRecovery Recovered => _outbox?.Recovered ?? OutboxRecovery.None;

    /// <summary>The most recent notifications, oldest first.</summary>
    public IReadOnlyList<TopicNotification> Recent
    {
        get
        {
            lock (_lock)
            {
                return [.. _recent];
            }
        }
    }

    /// <summary>
    /// Publishes a message (SNS Publish with Message and an optional Subject); returns at once. With an outbox, the
    /// message is delivered once it is on disk: <see cref="WhenDurableAsync"/> tells when.
    /// </summary>
    /// <param name="origin">What produced it (a rule's or an alarm's name), for the console's counts; not delivered.</param>
    public TopicNotification Publish(string message, string? subject = null, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var notification = Stamp(Uuid.NewString(), message, subject, origin, _time.GetUtcNow());
        _metrics?.Put(_publishedMetric, notification.Timestamp, 1);
        lock (_lock)
        {
            _recent.Enqueue(notification);
            while (_recent.Count > _recentLimit)
            {
                _recent.Dequeue();
            }

            _published++;
            if (_disposed)
            {
                return notification; // Kept as recent only: nothing delivers after disposal.
            }

            _toHandle++;
            if (_outbox is null)
            {
                // Under the lock, so every subscription's queue has the order FlushAsync counts in.
                Dispatch([new OutboxEntry(++_sequence, notification, ulong.MaxValue)]);
            }
            else if (_outbox.Stage(notification) is null)
            {
                _handled++;
            }
        }

        return notification;
    }

    /// <summary>Completes once every message published before the call is on disk (at once without an outbox).</summary>
    public Task WhenDurableAsync() => _outbox?.WhenDurableAsync() ?? Task.CompletedTask;

    /// <summary>Completes when every subscription has made its first attempt at everything published (or found undelivered at start) before the call.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_handled >= _toHandle)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushWaiters.Add((_toHandle, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>How long a stop waits for the subscriptions to deliver what they hold before it starts no more attempts.</summary>
    public static TimeSpan DeliveryStopTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a stop then waits for the attempts under way to finish before giving up on them.</summary>
    public static TimeSpan AttemptStopTimeout { get; } = TimeSpan.FromSeconds(3);

    /// <summary>Subscriptions (<c>protocol:endpoint</c>) that had not finished when the stop gave up on them.</summary>
    public IReadOnlyList<string> AbandonedAtStop { get; private set; } = [];

    /// <summary>
    /// Stops in the order that loses nothing and repeats nothing: no more publishes; what is staged reaches the disk and
    /// the subscriptions' queues; each subscription delivers what it holds, for at most <see cref="DeliveryStopTimeout"/>;
    /// past it no further attempt starts (the rest stays in the outbox for the next start) and the attempts under way
    /// get <see cref="AttemptStopTimeout"/> more to finish, so a slow endpoint that answers is not sent anything twice;
    /// a hung one is then given up on. Only then the outbox closes, so every delivery made during the stop is recorded
    /// and not made again.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _outbox?.StopStaging();
        var stops = _deliveries.Select(d => d.StopAsync()).ToArray();
        if (!await FinishWithinAsync(stops, DeliveryStopTimeout).ConfigureAwait(false))
        {
            Unfinished(stops).ForEach(d => d.StartNoMore());
            if (!await FinishWithinAsync(stops, AttemptStopTimeout).ConfigureAwait(false))
            {
                var abandoned = Unfinished(stops);
                abandoned.ForEach(d => d.Abandon());
                AbandonedAtStop = [.. abandoned.Select(d => $"{d.Subscription.Protocol}:{d.Subscription.Endpoint}")];
            }
        }

        _outbox?.Dispose();

        foreach (var subscription in _subscriptions.OfType<IDisposable>())
        {
            subscription.Dispose();
        }
    }

    private async Task<bool> FinishWithinAsync(Task[] stops, TimeSpan timeout)
    {
        try
        {
            await Task.WhenAll(stops).WaitAsync(timeout, _time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private List<SubscriptionDelivery> Unfinished(Task[] stops) => [.. _deliveries.Where((_, i) => !stops[i].IsCompleted)];

    internal void Delivered()
    {
        Interlocked.Increment(ref _delivered);
        _metrics?.Put(_deliveredMetric, _time.GetUtcNow(), 1);
    }

    internal void AttemptFailed(ITopicSubscription subscription, bool givenUp)
    {
        Interlocked.Increment(ref _deliveryFailures);
        if (givenUp)
        {
            Interlocked.Increment(ref _notificationsFailed);
        }

        // SNS counts every failed attempt to an HTTP/S endpoint, and a message once it gives up on any other.
        if (givenUp || subscription.Protocol is "http" or "https")
        {
            _metrics?.Put(_failedMetric, _time.GetUtcNow(), 1);
        }
    }

    internal void FirstAttemptDone(OutboxEntry entry)
    {
        if (Interlocked.Decrement(ref entry.FirstAttemptsLeft) == 0)
        {
            Handled(1);
        }
    }

    private TopicNotification Stamp(string messageId, string message, string? subject, string? origin, DateTimeOffset timestamp) =>
        new(messageId, TopicArn, subject, message, timestamp, "1", "", _signingCertUrl, _unsubscribeUrl) { Origin = origin };

    private void Dispatch(IReadOnlyList<OutboxEntry> entries)
    {
        var unhandled = 0;
        foreach (var entry in entries)
        {
            var targets = _deliveries.Where((_, i) => (entry.Pending & (1UL << i)) != 0).ToList();
            entry.FirstAttemptsLeft = targets.Count;
            var queued = targets.Count(d => d.Enqueue(entry));
            // A subscription already stopped, or none to deliver to: nothing will report this entry's first attempts.
            if (targets.Count == 0 || (queued < targets.Count && Interlocked.Add(ref entry.FirstAttemptsLeft, queued - targets.Count) == 0))
            {
                unhandled++;
            }
        }

        Handled(unhandled);
    }

    private void Handled(int count)
    {
        if (count == 0)
        {
            return;
        }

        lock (_lock)
        {
            _handled += count;
            _flushWaiters.RemoveAll(w =>
            {
                if (w.Target > _handled)
                {
                    return false;
                }

                w.Done.TrySetResult();
                return true;
            });
        }
    }
}
