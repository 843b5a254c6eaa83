namespace Paywatch.Local.Api.Sns;

/// <summary>SNS's <c>Subscription</c> shape.</summary>
internal sealed record SnsSubscription(string SubscriptionArn, string Owner, string Protocol, string Endpoint, string TopicArn);
