using System.Text;
using System.Text.Json;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Patterns;

namespace Paywatch.Core.Tests.Processing;

/// <summary>
/// One notification per incident (docs/alerting.md): the processor with the shipped rules, publishing only what they
/// match, as the deployment runs it. Each published event is matched again here as the bus matches it, so "alerts" are
/// the (event, rule) pairs the alerts topic would receive.
/// </summary>
public sealed class AlertingTests
{
    private static readonly RuleSet Rules = RuleSet.Compile(RuleDefinition.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "config", "rules")));

    private static string Purchase(string id, string card, decimal amount = 25, string country = "US", int? risk = null) =>
        $$"""{"transaction_id":"{{id}}","amount":{{amount}},"type":"PURCHASE","merchant_id":"m-1","merchant_country":"{{country}}","card_id":"{{card}}"{{(risk is { } r ? $",\"risk_score\":{r}" : "")}}}""";

    /// <summary>A one-lane processor; by default with a budget that never runs out here (these tests are about what an incident is).</summary>
    private static HandlerHarness Harness(int alertsPerWindow = 10_000)
    {
        var options = new ProcessorOptions { AlertsPerWindow = alertsPerWindow };
        return new HandlerHarness(options, new RuleRoutingPolicy(Rules, options.EventSource, options.DetailType, PublishMode.Matched));
    }

    /// <summary>The rules each published event matches on the bus, in publishing order.</summary>
    private static List<(string Rule, JsonElement Detail)> Alerts(HandlerHarness harness)
    {
        var matcher = Rules.CreateMatcher();
        var alerts = new List<(string, JsonElement)>();
        foreach (var published in harness.Publisher.Published)
        {
            var matched = new List<string>();
            matcher.MatchEntry(published.Source, published.DetailType, Encoding.UTF8.GetBytes(published.Detail), matched);
            alerts.AddRange(matched.Select(rule => (rule, JsonDocument.Parse(published.Detail).RootElement.Clone())));
        }

        return alerts;
    }

    private static KinesisEvent Closing(KinesisEvent open, ReadOnlyMemory<byte> state) => new()
    {
        Records = [], Window = open.Window, State = state, ShardId = open.ShardId, IsFinalInvokeForWindow = true,
    };

    private static KinesisEvent Batch(IEnumerable<string> records, ReadOnlyMemory<byte> state, string shard = "shardId-000000000001") =>
        new()
        {
            Records = HandlerHarness.Event(records.Select(Encoding.UTF8.GetBytes)).Records,
            Window = HandlerHarness.Event([]).Window,
            State = state,
            ShardId = shard,
        };

    [Fact]
    public void Velocity_alerts_once_per_entity_per_window_across_batches_and_the_summary_has_its_final_count()
    {
        using var harness = Harness();
        ReadOnlyMemory<byte> state = default;
        for (var batch = 0; batch < 3; batch++)
        {
            state = harness.Handle(Batch(Enumerable.Range(0, 15).Select(i => Purchase($"t-{batch}-{i}", "card_burst")), state)).State!.Value;
        }

        harness.Handle(Closing(Batch([], state), state));

        var alerts = Alerts(harness);
        Assert.Equal(["paywatch-velocity", "paywatch-window-summary"], alerts.Select(a => a.Rule));
        var velocity = alerts[0].Detail;
        Assert.Equal("t-1-5", velocity.GetProperty("transaction_id").GetString()); // the 21st of the window
        Assert.Equal(21, velocity.GetProperty("transaction_count").GetInt32());
        Assert.Equal("card_burst", velocity.GetProperty("velocity_entity").GetString());
        var summary = alerts[1].Detail.GetProperty("incidents").GetProperty("velocity");
        Assert.Equal(1, summary.GetProperty("count").GetInt32());
        var entity = Assert.Single(summary.GetProperty("entities").EnumerateArray());
        Assert.Equal("card_burst", entity.GetProperty("entity").GetString());
        Assert.Equal(45, entity.GetProperty("count").GetInt32());
        Assert.Equal(45, alerts[1].Detail.GetProperty("transactions").GetInt64());
    }

    [Fact]
    public void Velocity_alerts_once_per_entity_on_each_shard_when_one_environment_serves_both_shards_in_turn()
    {
        using var harness = Harness();
        ReadOnlyMemory<byte> first = default, second = default;
        for (var batch = 0; batch < 4; batch++)
        {
            // Lambda keeps each shard's state between invocations; the handler's answer is valid only until its next batch.
            first = harness.Handle(Batch(Enumerable.Range(0, 10).Select(i => Purchase($"a-{batch}-{i}", "card_a")), first, "shardId-000000000001")).State!.Value.ToArray();
            second = harness.Handle(Batch(Enumerable.Range(0, 10).Select(i => Purchase($"b-{batch}-{i}", "card_b")), second, "shardId-000000000002")).State!.Value.ToArray();
        }

        var alerts = Alerts(harness);
        Assert.Equal(
            [("card_a", "a-2-0", "shardId-000000000001"), ("card_b", "b-2-0", "shardId-000000000002")],
            alerts.Select(a => (a.Detail.GetProperty("velocity_entity").GetString(), a.Detail.GetProperty("transaction_id").GetString(), a.Detail.GetProperty("shard_id").GetString())));
    }

    [Fact]
    public void A_failure_alerts_on_the_first_of_its_error_code_then_the_summary_counts_every_one_by_code()
    {
        using var harness = Harness();
        var records = new[]
        {
            "{not json", "{not json either", """{"transaction_id":"f-1","amount":-5,"type":"PURCHASE","merchant_id":"m","merchant_country":"US"}""",
            "[1,2]", """{"transaction_id":"f-2","amount":-7,"type":"PURCHASE","merchant_id":"m","merchant_country":"US"}""", "{truncated",
        };

        var state = harness.Handle(Batch(records, default)).State!.Value;
        harness.Handle(Closing(Batch([], state), state));

        var alerts = Alerts(harness);
        Assert.Equal(["paywatch-failed", "paywatch-failed", "paywatch-failed", "paywatch-window-summary"], alerts.Select(a => a.Rule));
        Assert.Equal(["MALFORMED_JSON", "AMOUNT_NOT_POSITIVE", "NOT_AN_OBJECT"], alerts.Take(3).Select(a => a.Detail.GetProperty("error_code").GetString()));
        Assert.Equal("transaction f-1: the amount is zero or negative (amount)", alerts[1].Detail.GetProperty("error_description").GetString());
        Assert.Equal("a record without a transaction id: the record is not one JSON value", alerts[0].Detail.GetProperty("error_description").GetString());
        var failed = alerts[3].Detail.GetProperty("incidents").GetProperty("failed");
        Assert.Equal(6, failed.GetProperty("count").GetInt32());
        Assert.Equal(3, failed.GetProperty("alerted").GetInt32());
        Assert.Equal(
            new Dictionary<string, int> { ["MALFORMED_JSON"] = 3, ["AMOUNT_NOT_POSITIVE"] = 2, ["NOT_AN_OBJECT"] = 1 },
            failed.GetProperty("by_code").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()));
        Assert.Equal(
            [(null, HandlerHarness.Sequence(2)), ("f-2", HandlerHarness.Sequence(5)), (null, HandlerHarness.Sequence(6))],
            failed.GetProperty("examples").EnumerateArray().Select(e =>
                (e.TryGetProperty("transaction_id", out var id) ? id.GetString() : null, e.GetProperty("sequence_number").GetString())));
    }

    [Fact]
    public void Alerts_are_paced_over_the_window_and_the_summary_counts_exactly_the_incidents_not_notified()
    {
        // One lane with a budget of 12 for the window 11:59-12:04 (docs/alerting.md): floor(12u + 1) tokens by u, and up
        // to ten of them early, ten a second at most: 10 from the open, the 11th at u = 1/12 (11:59:25), the 12th at
        // u = 2/12 (11:59:50). Five batches of high-value and fraud payments.
        using var harness = Harness(alertsPerWindow: 12);
        var burst = Enumerable.Range(1, 11).Select(i => $"hv-{i}").ToArray();
        var batches = new (TimeSpan At, string[] Ids)[]
        {
            (TimeSpan.FromSeconds(-59), burst), // ten a second: hv-11 waits
            (TimeSpan.FromSeconds(-58), ["hv-12"]), // no token left until 11:59:25
            (TimeSpan.FromSeconds(-35), ["fr-1", "hv-13"]), // the 11th token
            (TimeSpan.FromSeconds(180), ["fr-2"]), // the 12th
            (TimeSpan.FromSeconds(239.5), ["hv-14"]), // the window's last second: summaries, not alerts
        };
        ReadOnlyMemory<byte> state = default;
        foreach (var (at, ids) in batches)
        {
            harness.Time.Now = HandlerHarness.Now + at;
            state = harness.Handle(Batch(ids.Select(id => id.StartsWith("hv", StringComparison.Ordinal)
                ? Purchase(id, $"card_{id}", amount: 20_000)
                : Purchase(id, $"card_{id}", amount: 900, country: "BR", risk: 95)), state)).State!.Value.ToArray();
        }

        harness.Time.Now = HandlerHarness.Now.AddMinutes(4);
        harness.Handle(Closing(Batch([], state), state));

        var alerts = Alerts(harness);
        Assert.Equal(
            [.. burst[..10].Select(id => ("paywatch-high-value", id)), ("paywatch-fraud", "fr-1"), ("paywatch-fraud", "fr-2")],
            alerts.Where(a => a.Rule != "paywatch-window-summary").Select(a => (a.Rule, a.Detail.GetProperty("transaction_id").GetString())));
        var incidents = Assert.Single(alerts, a => a.Rule == "paywatch-window-summary").Detail.GetProperty("incidents");
        var highValue = incidents.GetProperty("high-value");
        Assert.Equal((14, 10), (highValue.GetProperty("count").GetInt32(), highValue.GetProperty("alerted").GetInt32()));
        Assert.Equal(["hv-11", "hv-12", "hv-13"], highValue.GetProperty("examples").EnumerateArray().Select(e => e.GetProperty("transaction_id").GetString()));
    }

    [Fact]
    public void A_window_s_first_second_alerts_nothing_its_closing_summaries_have_it_to_themselves()
    {
        using var harness = Harness();
        harness.Time.Now = HandlerHarness.Now.AddMinutes(-1).AddMilliseconds(500); // the window opened half a second ago
        var state = harness.Handle(Batch([Purchase("hv-1", "card_1", amount: 20_000)], default)).State!.Value.ToArray();
        harness.Time.Now = HandlerHarness.Now.AddSeconds(1);
        state = harness.Handle(Batch([Purchase("hv-2", "card_2", amount: 20_000)], state)).State!.Value.ToArray();
        harness.Time.Now = HandlerHarness.Now.AddMinutes(4);
        harness.Handle(Closing(Batch([], state), state));

        var alerts = Alerts(harness);
        Assert.Equal(["paywatch-high-value", "paywatch-window-summary"], alerts.Select(a => a.Rule));
        Assert.Equal("hv-2", alerts[0].Detail.GetProperty("transaction_id").GetString());
        Assert.Equal("hv-1", alerts[1].Detail.GetProperty("incidents").GetProperty("high-value").GetProperty("examples")[0].GetProperty("transaction_id").GetString());
    }

    [Fact]
    public void A_redelivered_alert_gets_its_token_back_and_its_incident_counts_once()
    {
        // Budget 1, one lane: one token in the window. hv-1's event is not taken, so Lambda delivers all three again.
        using var harness = Harness(alertsPerWindow: 1);
        harness.Time.Now = HandlerHarness.Now.AddSeconds(40);
        var records = new[] { Purchase("hv-1", "card_1", amount: 20_000), Purchase("hv-2", "card_2", amount: 20_000), Purchase("hv-3", "card_3", amount: 20_000) };
        harness.Publisher.FailWhen = e => e.Detail.Contains("\"hv-1\"", StringComparison.Ordinal);
        var first = harness.Handle(Batch(records, default));
        Assert.Equal([HandlerHarness.Sequence(1)], first.BatchItemFailures);

        harness.Publisher.FailWhen = null;
        harness.Time.Now = HandlerHarness.Now.AddSeconds(41);
        var state = harness.Handle(Batch(records, first.State!.Value.ToArray())).State!.Value.ToArray();
        harness.Time.Now = HandlerHarness.Now.AddMinutes(4);
        harness.Handle(Closing(Batch([], state), state));

        var alerts = Alerts(harness);
        Assert.Equal(["hv-1"], alerts.Where(a => a.Rule == "paywatch-high-value").Select(a => a.Detail.GetProperty("transaction_id").GetString()));
        var summary = Assert.Single(alerts, a => a.Rule == "paywatch-window-summary").Detail;
        Assert.Equal(3, summary.GetProperty("transactions").GetInt64());
        var highValue = summary.GetProperty("incidents").GetProperty("high-value");
        Assert.Equal((3, 1), (highValue.GetProperty("count").GetInt32(), highValue.GetProperty("alerted").GetInt32()));
        Assert.Equal(["hv-2", "hv-3"], highValue.GetProperty("examples").EnumerateArray().Select(e => e.GetProperty("transaction_id").GetString()));
    }

    [Fact]
    public void A_broken_producer_s_error_code_alerts_at_the_first_token_not_only_on_its_very_first_record()
    {
        // The first batch falls in the window's first second (no alerts there), the second finds the lane's token.
        using var harness = Harness(alertsPerWindow: 3);
        ReadOnlyMemory<byte> state = default;
        foreach (var at in new[] { -59.5, 0 })
        {
            harness.Time.Now = HandlerHarness.Now.AddSeconds(at);
            state = harness.Handle(Batch(["{bad", "{bad"], state)).State!.Value.ToArray();
        }

        Assert.Equal(["paywatch-failed"], Alerts(harness).Select(a => a.Rule));
        Assert.Equal(HandlerHarness.Sequence(1), Alerts(harness)[0].Detail.GetProperty("sequence_number").GetString());
    }

    [Fact]
    public void Verify_s_probes_are_notified_when_the_budget_is_spent_and_do_not_spend_it()
    {
        // Budget 1, one lane: hv-1 takes the window's token; paywatch verify's samples are told all the same, the failed
        // one even though its error code was already alerted, and hv-2 still finds no token.
        using var harness = Harness(alertsPerWindow: 1);
        var state = harness.Handle(Batch(
            [
                Purchase("hv-1", "card_1", amount: 20_000),
                """{"transaction_id":"bad-1","amount":-100,"type":"PURCHASE"}""",
                Purchase("verify-run-002", "card_2", amount: 15_000),
                """{"transaction_id":"verify-run-003","amount":-100,"type":"PURCHASE"}""",
                Purchase("hv-2", "card_3", amount: 20_000),
            ], default)).State!.Value;
        harness.Handle(Closing(Batch([], state), state));

        Assert.Equal(
            [("paywatch-high-value", "hv-1"), ("paywatch-high-value", "verify-run-002"), ("paywatch-failed", "verify-run-003")],
            Alerts(harness).Where(a => a.Rule != "paywatch-window-summary").Select(a => (a.Rule, a.Detail.GetProperty("transaction_id").GetString())));
    }

    [Fact]
    public void A_window_with_only_individual_alerts_sends_no_summary()
    {
        using var harness = Harness();
        var state = harness.Handle(Batch([Purchase("hv-1", "card_1", amount: 20_000)], default)).State!.Value;
        harness.Handle(Closing(Batch([], state), state));

        Assert.Equal(["paywatch-high-value"], Alerts(harness).Select(a => a.Rule));
    }

    [Fact]
    public void Records_Lambda_delivers_again_raise_their_alerts_again_and_count_once()
    {
        using var harness = Harness();
        var burst = Enumerable.Range(1, 25).Select(i => Purchase($"t-{i}", "card_x")).ToList();
        // The 21st record's event (the velocity alert) is not taken: Lambda delivers it and everything after it again.
        harness.Publisher.FailWhen = e => e.Detail.Contains("\"t-21\"", StringComparison.Ordinal);
        var first = harness.Handle(Batch(burst, default));
        Assert.Equal([HandlerHarness.Sequence(21)], first.BatchItemFailures);
        Assert.Empty(Alerts(harness));

        harness.Publisher.FailWhen = null;
        var retry = new KinesisEvent { Records = Batch(burst, default).Records.Skip(20).ToList(), Window = HandlerHarness.Event([]).Window, State = first.State!.Value, ShardId = "shardId-000000000001" };
        var state = harness.Handle(retry).State!.Value;
        harness.Handle(Closing(Batch([], state), state));

        var alerts = Alerts(harness);
        Assert.Equal(["paywatch-velocity", "paywatch-window-summary"], alerts.Select(a => a.Rule));
        Assert.Equal("t-21", alerts[0].Detail.GetProperty("transaction_id").GetString());
        Assert.Equal(25, alerts[1].Detail.GetProperty("transactions").GetInt64());
        Assert.Equal(25, alerts[1].Detail.GetProperty("incidents").GetProperty("velocity").GetProperty("entities")[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public void A_summary_the_bus_does_not_take_fails_the_invocation_so_Lambda_retries_it_with_the_same_state()
    {
        using var harness = Harness();
        var state = harness.Handle(Batch(["{bad", "{bad again"], default)).State!.Value.ToArray();
        harness.Publisher.FailWhen = e => e.DetailType == "Window Summary";

        Assert.Throws<InvalidOperationException>(() => harness.Handle(Closing(Batch([], state), state)));

        harness.Publisher.FailWhen = null;
        harness.Handle(Closing(Batch([], state), state));
        var summary = Assert.Single(Alerts(harness), a => a.Rule == "paywatch-window-summary").Detail;
        Assert.Equal(2, summary.GetProperty("incidents").GetProperty("failed").GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("378282246310005")]
    public void No_card_number_reaches_an_alert_a_summary_or_the_window_state(string pan)
    {
        using var harness = Harness();
        var records = Enumerable.Range(1, 25).Select(i => Purchase($"t-{i}", card: pan))
            .Concat(Enumerable.Range(1, 3).Select(i => $$"""{"transaction_id":"fail {{pan}} {{i}}","amount":-1,"type":"PURCHASE","merchant_id":"m","merchant_country":"US"}"""))
            .Concat(Enumerable.Range(1, 3).Select(i => Purchase($"hv {pan} {i}", card: $"card {i}", amount: 20_000)));

        var state = harness.Handle(Batch(records, default)).State!.Value.ToArray();
        harness.Handle(Closing(Batch([], state), state));

        Assert.Equal(
            ["paywatch-failed", "paywatch-high-value", "paywatch-velocity", "paywatch-window-summary"],
            Alerts(harness).Select(a => a.Rule).Distinct().Order(StringComparer.Ordinal));
        var everything = string.Concat(harness.Publisher.Published.Select(p => p.Detail)) + Encoding.UTF8.GetString(state);
        Assert.DoesNotContain(pan, everything, StringComparison.Ordinal);
        Assert.Contains(pan[..6], everything, StringComparison.Ordinal);
    }
}
