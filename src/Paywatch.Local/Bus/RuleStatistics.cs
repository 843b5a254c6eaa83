namespace Paywatch.Local.Bus;

/// <summary>One rule's counters since start, named after its AWS/Events metrics.</summary>
public sealed record RuleStatistics(string RuleName, long MatchedEvents, long Invocations, long FailedInvocations);
