using System.Text.Json;
using Paywatch.Core.Enrichment;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Patterns;
using Paywatch.Traffic;

namespace Paywatch.Core.Tests.Routing;

/// <summary>The processor routing with the shipped rules in config/rules, as the deployment does.</summary>
public sealed class RuleRoutingPolicyTests
{
    private const string Txn001 = """{"transaction_id":"txn-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","transaction_count":1}""";
    private const string Txn002 = """{"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1}""";
    private const string Txn003 = """{"transaction_id":"txn-003","amount":-100,"type":"PURCHASE"}""";

    private static readonly IReadOnlyList<RuleDefinition> ShippedRules =
        RuleDefinition.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "config", "rules"));

    private static readonly ProcessorOptions Unpaced = new() { AlertsPerWindow = 10_000 };

    private static RuleRoutingPolicy Policy(PublishMode mode, IReadOnlyList<RuleDefinition>? rules = null)
    {
        var options = new ProcessorOptions();
        return new RuleRoutingPolicy(RuleSet.Compile(rules ?? ShippedRules), options.EventSource, options.DetailType, mode);
    }

    [Fact]
    public void The_spec_samples_route_as_the_spec_says_and_only_matches_are_published()
    {
        // A budget that does not run out here: this is about routing (the budget's pacing is in AlertingTests).
        using var harness = new HandlerHarness(Unpaced, routing: Policy(PublishMode.Matched));
        harness.Handle(HandlerHarness.Event(Txn001, Txn002, Txn003));

        var outcomes = harness.Outcomes();
        Assert.Equal(
            [[], ["paywatch-high-value"], ["paywatch-failed"]],
            outcomes.Select(o => o.GetProperty("matched_rules").EnumerateArray().Select(r => r.GetString()!).ToArray()));
        Assert.Equal(["txn-002", "txn-003"], harness.Publisher.Published.Select(p => JsonDocument.Parse(p.Detail).RootElement.GetProperty("transaction_id").GetString()));
        Assert.Equal(2, harness.Metrics.Total(MetricNames.EventsPublished));
    }

    [Fact]
    public void Publish_all_sends_everything_and_still_names_the_rules()
    {
        using var harness = new HandlerHarness(routing: Policy(PublishMode.All));
        harness.Handle(HandlerHarness.Event(Txn001, Txn002, Txn003));

        Assert.Equal(3, harness.Publisher.Published.Count);
        Assert.Equal("paywatch-high-value", harness.Outcomes()[1].GetProperty("matched_rules")[0].GetString());
    }

    [Fact]
    public void Generated_traffic_reaches_each_of_the_four_rules()
    {
        // A budget that does not run out here: this is about routing (the budget's pacing is in AlertingTests).
        using var harness = new HandlerHarness(Unpaced, routing: Policy(PublishMode.Matched));
        foreach (var batch in new TrafficGenerator(seed: 11).Generate(3000).Chunk(500))
        {
            harness.Handle(HandlerHarness.Event(batch.Select(r => r.Utf8Json), partitionKey: "generated"));
        }

        var hits = harness.Outcomes().SelectMany(o => o.GetProperty("matched_rules").EnumerateArray().Select(r => r.GetString())).ToHashSet();
        Assert.Equal(["paywatch-failed", "paywatch-fraud", "paywatch-high-value", "paywatch-velocity"], hits.Order());
    }

    [Fact]
    public void The_fraud_rule_excludes_exactly_the_processors_standard_countries()
    {
        var fraud = ShippedRules.Single(r => r.Name == "paywatch-fraud");
        using var pattern = JsonDocument.Parse(fraud.EventPattern.Text);
        var excluded = pattern.RootElement.GetProperty("detail").GetProperty("merchant_country")[0].GetProperty("anything-but")
            .EnumerateArray().Select(c => c.GetString()).Order();

        Assert.Equal(new RiskPolicy().StandardCountries.Order(), excluded);
    }

    [Theory]
    [InlineData("""{"account": ["123456789012"]}""", "account")]
    [InlineData("""{"detail": {"a": ["x"]}, "region": ["us-east-1"]}""", "region")]
    public void A_rule_on_a_field_the_bus_adds_is_refused(string pattern, string field)
    {
        var rules = new[] { new RuleDefinition("r", null, EventPattern.Parse(pattern), RuleState.Enabled) };

        var error = Assert.Throws<ArgumentException>(() => Policy(PublishMode.Matched, rules));
        Assert.Contains($"'{field}'", error.Message, StringComparison.Ordinal);
    }
}
