namespace Paywatch.Core.Alerting;

/// <summary>
/// A lane's alert token bucket in its window (<see cref="LaneAlertBudget"/>): the tokens used or lost so far, the second
/// (Unix time) of its last alert and how many it sent in that second, so that a lane keeps to its share of the stream's
/// ten a second.
/// </summary>
public readonly record struct AlertBucket(long Spent, long LastAlertSecond, long InSecond = 0);
