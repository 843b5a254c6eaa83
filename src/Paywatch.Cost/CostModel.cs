using Paywatch.Cost.Prices;

namespace Paywatch.Cost;

/// <summary>Turns <see cref="Usage"/> into priced lines with a <see cref="PriceTable"/>; free tiers are shown, never netted.</summary>
public static class CostModel
{
    public static CostReport Price(Usage usage, PriceTable table)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(table);
        var lines = usage.Quantities()
            .Select(q => (Price: table[q.PriceId], q.Quantity))
            .Select(q => new CostLine(q.Price, q.Quantity, q.Price.CostOf(q.Quantity)))
            .ToList();
        var total = lines.Sum(l => l.MonthlyUsd);
        var freeTierUsd = table.FreeTiers.Sum(f =>
        {
            var line = lines.FirstOrDefault(l => l.Price.Id == f.Price);
            return line is null ? 0 : line.MonthlyUsd - line.Price.CostOf(Math.Max(0, line.Quantity - f.Quantity));
        });
        return new CostReport(table, [.. lines.OrderByDescending(l => l.MonthlyUsd)], total, freeTierUsd);
    }
}

/// <summary>One priced line: a quantity a month and what it costs.</summary>
public sealed record CostLine(Price Price, double Quantity, double MonthlyUsd);

/// <summary>The priced usage, its lines costliest first.</summary>
/// <param name="FreeTierUsd">What the listed free tiers would take off, were the account eligible (not netted from <see cref="TotalUsd"/>).</param>
public sealed record CostReport(PriceTable Table, IReadOnlyList<CostLine> Lines, double TotalUsd, double FreeTierUsd)
{
    public double ShareOf(CostLine line) => TotalUsd == 0 ? 0 : line?.MonthlyUsd / TotalUsd ?? 0;

    /// <summary>The fewest costliest lines that make up at least <paramref name="share"/> of the total.</summary>
    public IReadOnlyList<CostLine> Dominant(double share = 0.8)
    {
        var dominant = new List<CostLine>();
        var sum = 0.0;
        foreach (var line in Lines)
        {
            if (sum >= share * TotalUsd || line.MonthlyUsd <= 0)
            {
                break;
            }

            dominant.Add(line);
            sum += line.MonthlyUsd;
        }

        return dominant;
    }
}
