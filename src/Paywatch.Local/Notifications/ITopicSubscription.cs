namespace Paywatch.Local.Notifications;

/// <summary>
/// One subscription of the local topic: where its notifications go (console, file, HTTP endpoint, email), as an SNS
/// subscription's protocol and endpoint decide it on AWS.
/// </summary>
public interface ITopicSubscription
{
    /// <summary>The SNS protocol it stands for (<c>http</c>, <c>email</c>, ...) or the twin's own (<c>console</c>, <c>file</c>).</summary>
    string Protocol { get; }

    /// <summary>Where it delivers, as ListSubscriptions shows a subscription's endpoint (a URL, an address, a file).</summary>
    string Endpoint => "";

    /// <summary>How failed deliveries are retried: SNS's HTTP/S default unless the subscription says otherwise.</summary>
    DeliveryPolicy DeliveryPolicy => DeliveryPolicy.Http;

    /// <summary>How many deliveries may be under way at once; one keeps the notifications in order.</summary>
    int MaxConcurrentDeliveries => 1;

    /// <summary>Delivers one notification; throws when delivery failed (the topic retries it by the policy).</summary>
    Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken);
}
