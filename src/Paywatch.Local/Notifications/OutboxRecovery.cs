namespace Paywatch.Local.Notifications;

/// <summary>
/// What an outbox found on opening: notifications published before a stop or a crash and not yet delivered to every
/// subscription, which it delivers again.
/// </summary>
/// <param name="Redelivered">Notifications with at least one subscription still to deliver to.</param>
/// <param name="PossibleDuplicates">
/// Per subscription (<c>protocol:endpoint</c>), the deliveries under way when the process stopped: each may have reached
/// the endpoint without being recorded, so its redelivery may be a duplicate. At most the subscription's concurrent
/// deliveries.
/// </param>
/// <param name="Unsubscribed">Deliveries dropped because their subscription is no longer configured (SNS stops delivering to an unsubscribed endpoint).</param>
public sealed record OutboxRecovery(int Redelivered, IReadOnlyDictionary<string, int> PossibleDuplicates, int Unsubscribed)
{
    public static OutboxRecovery None { get; } = new(0, new Dictionary<string, int>(), 0);

    public int PossibleDuplicateCount => PossibleDuplicates.Values.Sum();
}
