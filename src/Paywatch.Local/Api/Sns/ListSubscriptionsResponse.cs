namespace Paywatch.Local.Api.Sns;

/// <summary>The output of ListSubscriptions and of ListSubscriptionsByTopic.</summary>
internal sealed record ListSubscriptionsResponse(IReadOnlyList<SnsSubscription> Subscriptions, string? NextToken);
