using System.Text;
using Paywatch.Core.Enrichment;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Tests.Enrichment;

public sealed class RiskScorerTests
{
    private static readonly RiskPolicy Policy = new();

    private static Transaction Read(decimal amount, string country = "US", string type = "PURCHASE", int? riskScore = null)
    {
        var risk = riskScore is { } r ? $",\"risk_score\":{r}" : string.Empty;
        var json = $"{{\"transaction_id\":\"t\",\"amount\":{amount},\"type\":\"{type}\",\"merchant_id\":\"m\",\"merchant_country\":\"{country}\"{risk}}}";
        var transaction = new Transaction();
        TransactionReader.Read(Encoding.UTF8.GetBytes(json), transaction);
        return transaction;
    }

    [Theory]
    [InlineData(100, "US", "PURCHASE", 1, 0, RiskReasons.None)]
    [InlineData(10_000, "US", "PURCHASE", 1, 20, RiskReasons.ElevatedAmount)] // 10,000 is not above 10,000
    [InlineData(10_000.01, "US", "PURCHASE", 1, 40, RiskReasons.HighAmount)]
    [InlineData(5_000.01, "US", "PURCHASE", 1, 20, RiskReasons.ElevatedAmount)]
    [InlineData(100, "NG", "PURCHASE", 1, 30, RiskReasons.NonStandardCountry)]
    [InlineData(100, "US", "PURCHASE", 21, 30, RiskReasons.VelocityExceeded)]
    [InlineData(100, "US", "PURCHASE", 20, 15, RiskReasons.ElevatedVelocity)]
    [InlineData(100, "US", "WITHDRAWAL", 1, 10, RiskReasons.CashOutType)]
    [InlineData(100, "US", "TRANSFER", 1, 10, RiskReasons.CashOutType)]
    [InlineData(20_000, "NG", "TRANSFER", 1, 80, RiskReasons.HighAmount | RiskReasons.NonStandardCountry | RiskReasons.CashOutType)]
    public void Each_rule_adds_its_documented_weight(
        double amount, string country, string type, int windowCount, int score, RiskReasons reasons)
    {
        var assessment = RiskScorer.Assess(Read((decimal)amount, country, type), windowCount, Policy);

        Assert.Equal(new RiskAssessment(score, reasons), assessment);
    }

    [Fact]
    public void The_score_is_capped_at_100()
    {
        var assessment = RiskScorer.Assess(Read(20_000, "NG", "TRANSFER"), 30, Policy);

        Assert.Equal(100, assessment.Score); // 40 + 30 + 30 + 10 = 110
    }

    [Fact]
    public void A_producer_score_wins_over_the_rules()
    {
        var assessment = RiskScorer.Assess(Read(20_000, "NG", "TRANSFER", riskScore: 5), 30, Policy);

        Assert.Equal(new RiskAssessment(5, RiskReasons.ProducerSupplied), assessment);
    }

    [Fact]
    public void Standard_countries_are_configurable()
    {
        var policy = new RiskPolicy { StandardCountries = ["NG"] };

        Assert.Equal(0, RiskScorer.Assess(Read(100, "NG"), 1, policy).Score);
        Assert.Equal(30, RiskScorer.Assess(Read(100, "US"), 1, policy).Score);
    }

    [Fact]
    public void An_unknown_standard_country_is_refused_at_configuration_time()
    {
        var error = Assert.Throws<ArgumentException>(() => new RiskPolicy { StandardCountries = ["US", "UK"] });

        Assert.Contains("'UK'", error.Message, StringComparison.Ordinal);
    }
}
