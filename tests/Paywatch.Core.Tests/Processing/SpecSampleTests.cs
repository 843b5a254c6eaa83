using Paywatch.Core.Telemetry;

namespace Paywatch.Core.Tests.Processing;

/// <summary>The three sample records of the spec's "Generate Test Transactions" section.</summary>
public sealed class SpecSampleTests
{
    private const string Txn001 = """{"transaction_id":"txn-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","transaction_count":1}""";
    private const string Txn002 = """{"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1}""";
    private const string Txn003 = """{"transaction_id":"txn-003","amount":-100,"type":"PURCHASE"}""";

    [Fact]
    public void Successful_transaction_is_approved_and_not_high_value()
    {
        using var harness = new HandlerHarness();
        harness.Handle(HandlerHarness.Event(Txn001));

        var outcome = Assert.Single(harness.Outcomes());
        Assert.Equal("txn-001", outcome.GetProperty("transaction_id").GetString());
        Assert.Equal("APPROVED", outcome.GetProperty("status").GetString());
        Assert.False(outcome.TryGetProperty("error_code", out _));
        Assert.Equal(0, harness.Metrics.Total(MetricNames.HighValueTransactions));
    }

    [Fact]
    public void High_value_transaction_is_approved_and_counted_as_high_value()
    {
        using var harness = new HandlerHarness();
        harness.Handle(HandlerHarness.Event(Txn002));

        var outcome = Assert.Single(harness.Outcomes());
        Assert.Equal("APPROVED", outcome.GetProperty("status").GetString());
        Assert.Equal(15000m, outcome.GetProperty("amount").GetDecimal());
        Assert.Contains("HIGH_AMOUNT", outcome.GetProperty("risk_reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1, harness.Metrics.Total(MetricNames.HighValueTransactions));
    }

    [Fact]
    public void Negative_amount_without_merchant_is_failed_with_every_reason_and_not_retried()
    {
        using var harness = new HandlerHarness();
        var response = harness.Handle(HandlerHarness.Event(Txn003));

        Assert.Empty(response.BatchItemFailures);
        var outcome = Assert.Single(harness.Outcomes());
        Assert.Equal("FAILED", outcome.GetProperty("status").GetString());
        var errors = outcome.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("code").GetString(), e.GetProperty("field").GetString()))
            .ToList();
        Assert.Contains(("AMOUNT_NOT_POSITIVE", "amount"), errors);
        Assert.Contains(("MISSING_FIELD", "merchant_id"), errors);
        Assert.Contains(("MISSING_FIELD", "merchant_country"), errors);
        Assert.Equal(3, errors.Count);
        Assert.Equal(1, harness.Metrics.Total(MetricNames.TransactionsFailed));
    }

    [Fact]
    public void Failed_transactions_are_still_published_so_the_failed_rule_can_route_them()
    {
        using var harness = new HandlerHarness();
        harness.Handle(HandlerHarness.Event(Txn001, Txn002, Txn003));

        Assert.Equal(3, harness.Publisher.Published.Count);
        Assert.Contains(harness.Publisher.Published, e => e.Detail.Contains("\"status\":\"FAILED\"", StringComparison.Ordinal));
        Assert.All(harness.Publisher.Published, e =>
        {
            Assert.Equal("paywatch.transactions", e.Source);
            Assert.Equal("Transaction Processed", e.DetailType);
        });
    }
}
