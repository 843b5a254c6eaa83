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

    /// <summary>Delivers one notification; throws when delivery failed (the topic counts it and goes on).</summary>
    Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken);
}
