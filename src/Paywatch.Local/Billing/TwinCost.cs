using Paywatch.Cost;

namespace Paywatch.Local.Billing;

/// <summary>A reading of <see cref="TwinCostMeter"/>: the run, a month at its rate, and that month priced.</summary>
public sealed record TwinCost(MeteredRun Run, Usage Month, CostReport Report, double HoursPerMonth)
{
    public double UsdPerMonth => Report.TotalUsd;

    public double UsdPerHour => Report.TotalUsd / HoursPerMonth;

    /// <summary>What the run so far would have cost: its hours at <see cref="UsdPerHour"/>.</summary>
    public double UsdSoFar => UsdPerHour * Run.Period.TotalHours;
}
