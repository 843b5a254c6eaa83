namespace Paywatch.Cost.Prices;

/// <summary>
/// One price of a <see cref="PriceTable"/>: <see cref="Usd"/> for every <see cref="Per"/> <see cref="Unit"/>s (e.g. $0.014 per
/// 1,000,000 PUT payload units), or by <see cref="Tiers"/> where AWS prices by volume. Each names the AWS pricing page it
/// comes from and the date it was read.
/// </summary>
/// <param name="Id">The price's id, e.g. <c>kinesis.put_payload_units</c>; a <see cref="Usage"/> quantity is priced by it.</param>
/// <param name="Service">The AWS service as the bill names it.</param>
/// <param name="Item">What is counted.</param>
/// <param name="Unit">The billing unit, singular.</param>
/// <param name="Per">How many units <see cref="Usd"/> pays for.</param>
/// <param name="Usd">The price of <see cref="Per"/> units (the first tier's, when tiered).</param>
/// <param name="Tiers">Volume tiers, lowest first; null when the price is flat.</param>
/// <param name="Source">The AWS pricing page.</param>
/// <param name="Read">The date the figure was read.</param>
/// <param name="Basis"><c>stored-copy</c>: read in a stored copy of the page; <c>recalled</c>: AWS's published figure as known that day.</param>
public sealed record Price(
    string Id,
    string Service,
    string Item,
    string Unit,
    double Per,
    double Usd,
    IReadOnlyList<PriceTier>? Tiers,
    string Source,
    string Read,
    string Basis)
{
    /// <summary>The cost of <paramref name="quantity"/> units a month: flat, or tier by tier.</summary>
    public double CostOf(double quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        if (Tiers is not { Count: > 0 })
        {
            return quantity / Per * Usd;
        }

        var cost = 0.0;
        var below = 0.0;
        foreach (var tier in Tiers)
        {
            var top = tier.UpTo ?? double.PositiveInfinity;
            var inTier = Math.Min(quantity, top) - below;
            if (inTier <= 0)
            {
                break;
            }

            cost += inTier / Per * tier.Usd;
            below = top;
        }

        return cost;
    }
}

/// <summary>A volume tier: <see cref="Usd"/> per <see cref="Price.Per"/> units for the units up to <see cref="UpTo"/> a month (no bound when null).</summary>
public sealed record PriceTier(double? UpTo, double Usd);

/// <summary>A free tier, listed apart from the bill and never netted from it.</summary>
/// <param name="Price">The id of the price it applies to.</param>
public sealed record FreeTier(string Price, double Quantity, string Unit, string Source, string Read, string Basis);

/// <summary>An AWS service quota the capacity warnings compare the deployment's rates with.</summary>
public sealed record ServiceQuota(string Id, double Value, string Unit, string Source, string Read, string Basis);
