using System.Threading.Channels;

namespace Paywatch.Local.Notifications;

/// <summary>
/// The local twin's SNS topic (<c>paywatch-alerts-local</c>): <see cref="Publish"/> stamps a message with an id and
/// a time in the notification shape SNS delivers, keeps it among the recent ones, and hands it to every
/// subscription. Delivery runs on one background loop, as SNS delivers after Publish has returned, so a slow
/// webhook or SMTP server never holds up the bus or the alarms; a failed delivery is counted, not retried.
/// </summary>
public sealed class LocalTopic : IAsyncDisposable
{
    private readonly IReadOnlyList<ITopicSubscription> _subscriptions;
    private readonly TimeProvider _time;
    private readonly int _recentLimit;
    private readonly Queue<TopicNotification> _recent = new();
    private readonly Lock _lock = new();
    private readonly Channel<TopicNotification> _pending = Channel.CreateUnbounded<TopicNotification>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<(long Sequence, TaskCompletionSource Done)> _flushWaiters = [];
    private readonly Task _delivery;
    private readonly string _signingCertUrl;
    private readonly string _unsubscribeUrl;
    private long _published;
    private long _handled;
    private long _deliveryFailures;

    /// <param name="topicName">The topic's name, e.g. <c>paywatch-alerts-local</c>.</param>
    /// <param name="region">The region of its ARN (<c>us-east-1</c>).</param>
    /// <param name="accountId">The account of its ARN (<c>000000000000</c> in the twin).</param>
    /// <param name="subscriptions">Where notifications go; none is allowed (they are still kept as recent).</param>
    /// <param name="timeProvider">The clock of the notifications' Timestamp.</param>
    /// <param name="recentLimit">How many recent notifications to keep for the terminal and the web UI.</param>
    public LocalTopic(string topicName, string region, string accountId, IEnumerable<ITopicSubscription> subscriptions, TimeProvider timeProvider, int recentLimit = 100)
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
        _delivery = Task.Run(DeliverLoopAsync);
    }

    public string TopicName { get; }

    public string TopicArn { get; }

    public string Region { get; }

    public IReadOnlyList<ITopicSubscription> Subscriptions => _subscriptions;

    /// <summary>Messages published since start.</summary>
    public long PublishedCount => Interlocked.Read(ref _published);

    /// <summary>Deliveries (one per subscription per message) that threw.</summary>
    public long DeliveryFailures => Interlocked.Read(ref _deliveryFailures);

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

    /// <summary>Publishes a message (SNS Publish with Message and an optional Subject); returns at once.</summary>
    public TopicNotification Publish(string message, string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var notification = new TopicNotification(
            Uuid.NewString(),
            TopicArn,
            subject,
            message,
            _time.GetUtcNow(),
            "1",
            "",
            _signingCertUrl,
            _unsubscribeUrl);
        lock (_lock)
        {
            _recent.Enqueue(notification);
            while (_recent.Count > _recentLimit)
            {
                _recent.Dequeue();
            }

            _published++;
            // Written under the lock so the channel's order is the sequence FlushAsync counts in. After disposal
            // nothing delivers: the message is kept as recent only, and counted as handled so flushes still end.
            if (!_pending.Writer.TryWrite(notification))
            {
                _handled++;
            }
        }

        return notification;
    }

    /// <summary>Completes when everything published before the call has been handed to every subscription.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_handled >= _published)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushWaiters.Add((_published, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _delivery.ConfigureAwait(false);
        foreach (var subscription in _subscriptions.OfType<IDisposable>())
        {
            subscription.Dispose();
        }
    }

    private async Task DeliverLoopAsync()
    {
        await foreach (var notification in _pending.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            foreach (var subscription in _subscriptions)
            {
                try
                {
                    await subscription.DeliverAsync(notification, CancellationToken.None).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A subscriber's failure (network, disk, SMTP) must not stop delivery to the others.
                catch (Exception)
#pragma warning restore CA1031
                {
                    Interlocked.Increment(ref _deliveryFailures);
                }
            }

            lock (_lock)
            {
                _handled++;
                _flushWaiters.RemoveAll(w =>
                {
                    if (w.Sequence > _handled)
                    {
                        return false;
                    }

                    w.Done.TrySetResult();
                    return true;
                });
            }
        }
    }
}
