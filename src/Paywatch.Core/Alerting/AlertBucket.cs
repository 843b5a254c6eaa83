namespace Paywatch.Core.Alerting;

/// <summary>
/// A lane's alert token bucket in its window (<see cref="LaneAlertBudget"/>): the tokens used or lost so far, and the
/// second (Unix time) of its last alert, so that a lane whose budget earns it one token at a time alerts at most once a second.
/// </summary>
public readonly record struct AlertBucket(long Spent, long LastAlertSecond);
