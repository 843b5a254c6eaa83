using Paywatch.Core.Transactions;

namespace Paywatch.Core.Enrichment;

/// <summary>
/// A deterministic, explainable risk score from 0 to 100: the sum of the weights of the rules that apply,
/// capped at 100. A producer-supplied <c>risk_score</c> wins, since the producer may know more (device,
/// history) than one record shows.
/// </summary>
/// <remarks>
/// | rule | weight |
/// |---|---|
/// | amount above the high-value threshold (10,000) | 40 |
/// | amount above the elevated threshold (5,000) | 20 |
/// | merchant country outside the standard countries | 30 |
/// | window count above the velocity threshold (20) | 30 |
/// | window count above the elevated threshold (10) | 15 |
/// | WITHDRAWAL or TRANSFER (cash leaves the card) | 10 |
/// A high-value purchase abroad from a card on a velocity burst scores 100; any two strong signals together
/// (say high value abroad, 70) stay below the fraud threshold of 80 unless a third agrees.
/// </remarks>
public static class RiskScorer
{
    public const int HighAmountWeight = 40;
    public const int ElevatedAmountWeight = 20;
    public const int NonStandardCountryWeight = 30;
    public const int VelocityExceededWeight = 30;
    public const int ElevatedVelocityWeight = 15;
    public const int CashOutTypeWeight = 10;

    public static RiskAssessment Assess(Transaction transaction, int windowCount, RiskPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(policy);
        if (transaction.RiskScore is { } supplied)
        {
            return new RiskAssessment(supplied, RiskReasons.ProducerSupplied);
        }

        var score = 0;
        var reasons = RiskReasons.None;
        if (transaction.Amount > policy.HighValueThreshold)
        {
            (score, reasons) = (score + HighAmountWeight, reasons | RiskReasons.HighAmount);
        }
        else if (transaction.Amount > policy.ElevatedAmountThreshold)
        {
            (score, reasons) = (score + ElevatedAmountWeight, reasons | RiskReasons.ElevatedAmount);
        }

        var country = transaction.Text(TransactionField.MerchantCountry);
        if (!country.IsEmpty && !policy.IsStandardCountry(country))
        {
            (score, reasons) = (score + NonStandardCountryWeight, reasons | RiskReasons.NonStandardCountry);
        }

        if (windowCount > policy.VelocityThreshold)
        {
            (score, reasons) = (score + VelocityExceededWeight, reasons | RiskReasons.VelocityExceeded);
        }
        else if (windowCount > policy.ElevatedVelocityThreshold)
        {
            (score, reasons) = (score + ElevatedVelocityWeight, reasons | RiskReasons.ElevatedVelocity);
        }

        if (transaction.Type is TransactionType.Withdrawal or TransactionType.Transfer)
        {
            (score, reasons) = (score + CashOutTypeWeight, reasons | RiskReasons.CashOutType);
        }

        return new RiskAssessment(Math.Min(score, 100), reasons);
    }
}

/// <summary>A risk score and the rules that produced it.</summary>
public readonly record struct RiskAssessment(int Score, RiskReasons Reasons);
