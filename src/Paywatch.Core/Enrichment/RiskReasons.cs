namespace Paywatch.Core.Enrichment;

/// <summary>Why a risk score is what it is. Each flag is one documented rule of <see cref="RiskScorer"/>.</summary>
[Flags]
public enum RiskReasons
{
    None = 0,

    /// <summary>The producer supplied <c>risk_score</c>; it is used as given and no rule is applied.</summary>
    ProducerSupplied = 1 << 0,
    HighAmount = 1 << 1,
    ElevatedAmount = 1 << 2,
    NonStandardCountry = 1 << 3,
    VelocityExceeded = 1 << 4,
    ElevatedVelocity = 1 << 5,
    CashOutType = 1 << 6,
}

public static class RiskReasonNames
{
    private static readonly (RiskReasons Reason, string Name)[] Names =
    [
        (RiskReasons.ProducerSupplied, "PRODUCER_SUPPLIED"),
        (RiskReasons.HighAmount, "HIGH_AMOUNT"),
        (RiskReasons.ElevatedAmount, "ELEVATED_AMOUNT"),
        (RiskReasons.NonStandardCountry, "NON_STANDARD_COUNTRY"),
        (RiskReasons.VelocityExceeded, "VELOCITY_EXCEEDED"),
        (RiskReasons.ElevatedVelocity, "ELEVATED_VELOCITY"),
        (RiskReasons.CashOutType, "CASH_OUT_TYPE"),
    ];

    /// <summary>Calls <paramref name="write"/> for each set flag's wire name, without allocating.</summary>
    public static void ForEachWireName<TState>(this RiskReasons reasons, TState state, Action<TState, string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        foreach (var (reason, name) in Names)
        {
            if ((reasons & reason) != 0)
            {
                write(state, name);
            }
        }
    }
}
