namespace Paywatch.Core.Routing;

/// <summary>
/// Decides which processed transactions are published to the bus and which rules they match:
/// <see cref="RuleRoutingPolicy"/> with the bus's rules, or <see cref="PublishAllPolicy"/> without any.
/// </summary>
public interface IRoutingPolicy
{
    /// <param name="detail">The entry's detail: the enriched transaction as UTF-8 JSON.</param>
    /// <param name="matchedRules">Receives the names of the rules the entry matches (for logs and spans).</param>
    /// <returns>Whether to publish the entry.</returns>
    bool Route(ReadOnlySpan<byte> detail, ICollection<string> matchedRules);
}

/// <summary>Publishes every entry and names no rules: the bus alone decides where events go.</summary>
public sealed class PublishAllPolicy : IRoutingPolicy
{
    public static PublishAllPolicy Instance { get; } = new();

    public bool Route(ReadOnlySpan<byte> detail, ICollection<string> matchedRules) => true;
}
