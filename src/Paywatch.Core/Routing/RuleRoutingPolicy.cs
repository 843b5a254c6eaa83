using Paywatch.Patterns;

namespace Paywatch.Core.Routing;

/// <summary>Which processed transactions the processor sends to the bus.</summary>
public enum PublishMode
{
    /// <summary>Only entries that match at least one rule. Routing is unchanged, since the bus applies the same
    /// patterns, and PutEvents traffic (and cost) falls to the few transactions worth an alert.</summary>
    Matched,

    /// <summary>Every entry: the bus alone decides, e.g. for other consumers or an archive on the bus.</summary>
    All,
}

/// <summary>
/// Routes with the bus's own rules: each entry is matched as EventBridge will match it (source, detail type and
/// detail), its rule names go into the log line and span, and <see cref="PublishMode"/> decides what is sent.
/// </summary>
public sealed class RuleRoutingPolicy : IRoutingPolicy
{
    private readonly RuleMatcher _matcher;
    private readonly string _source;
    private readonly string _detailType;
    private readonly PublishMode _mode;

    /// <exception cref="ArgumentException">
    /// A rule tests an event field the processor cannot know before EventBridge adds it (account, region, time,
    /// id, resources): matching here would disagree with the bus, and in <see cref="PublishMode.Matched"/> mode
    /// events would be withheld that the bus would route.
    /// </exception>
    public RuleRoutingPolicy(RuleSet rules, string source, string detailType, PublishMode mode)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var unknowable = rules.FieldPaths.FirstOrDefault(p => p is not ("source" or "detail-type" or "detail") && !p.StartsWith("detail.", StringComparison.Ordinal));
        if (unknowable is not null)
        {
            throw new ArgumentException(
                $"A rule tests '{unknowable}', which EventBridge sets only when it receives the event; rules routed by the processor may test source, detail-type and detail only.",
                nameof(rules));
        }

        _matcher = rules.CreateMatcher();
        _source = source;
        _detailType = detailType;
        _mode = mode;
    }

    public bool Route(ReadOnlySpan<byte> detail, ICollection<string> matchedRules) =>
        _matcher.MatchEntry(_source, _detailType, detail, matchedRules) > 0 || _mode == PublishMode.All;
}
