using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Core.Routing;
using Paywatch.Local.Bus;
using Paywatch.Local.Notifications;
using Paywatch.Monitoring.Metrics;
using Paywatch.Patterns;

namespace Paywatch.Local.Tests.Bus;

public sealed class LocalEventBusTests
{
    private const string BusName = "paywatch-transactions-local";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public async Task A_high_value_alert_is_routed_to_the_topic_as_its_config_targets_template_words_it()
    {
        await using var topic = Topic();
        var bus = new LocalEventBus(BusName, RepositoryRoot.Targets(topic), Rules(), topic, _time);

        var result = await bus.PublishAsync(new[] { Entry("""{"transaction_id":"txn-002","status":"APPROVED","type":"PAYMENT","amount":15000,"merchant_id":"merch-456","merchant_country":"US","risk_score":35,"transaction_count":1,"alert":["high-value"],"template_safe":{"transaction_id":"txn-002","type":"PAYMENT","merchant_id":"merch-456","merchant_country":"US"},"shard_id":"shardId-000000000000","sequence_number":"49590338271490256608559692538361571095921575989136580002"}""") }, CancellationToken.None);

        Assert.True(result.AllPublished);
        var notification = Assert.Single(topic.Recent);
        Assert.Equal(
            "\"Paywatch local: high-value transaction txn-002, a PAYMENT of 15000 at merchant merch-456 (US), risk score 35, at 2026-11-26T12:00:00Z. Record 49590338271490256608559692538361571095921575989136580002 on shardId-000000000000.\"",
            notification.Message);
        Assert.Null(notification.Subject);
        Assert.Equal("arn:aws:sns:us-east-1:000000000000:paywatch-alerts-local", notification.TopicArn);
    }

    /// <summary>https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html</summary>
    [Fact]
    public async Task A_routed_event_has_the_EventBridge_envelope()
    {
        await using var topic = Topic();
        var bus = new LocalEventBus(BusName, RepositoryRoot.Targets(topic), Rules(), topic, _time);

        await bus.PublishAsync(new[] { Entry("""{"transaction_id":"txn-003","status":"FAILED","amount":-5,"alert":["failed"]}""") }, CancellationToken.None);

        var routed = Assert.Single(bus.RecentEvents("paywatch-failed"));
        var e = JsonDocument.Parse(routed.Event).RootElement;
        Assert.Equal("0", e.GetProperty("version").GetString());
        Assert.Equal(routed.EventId, e.GetProperty("id").GetString());
        Assert.Equal("Transaction Processed", e.GetProperty("detail-type").GetString());
        Assert.Equal("paywatch.transactions", e.GetProperty("source").GetString());
        Assert.Equal("000000000000", e.GetProperty("account").GetString());
        Assert.Equal("2026-11-26T12:00:00Z", e.GetProperty("time").GetString());
        Assert.Equal("us-east-1", e.GetProperty("region").GetString());
        Assert.Equal(0, e.GetProperty("resources").GetArrayLength());
        Assert.Equal("txn-003", e.GetProperty("detail").GetProperty("transaction_id").GetString());
        Assert.Empty(bus.RecentEvents("paywatch-high-value"));
    }

    [Fact]
    public async Task Counters_and_AWS_Events_metrics_count_matches_and_invocations_per_rule()
    {
        await using var topic = Topic();
        var store = new MetricStore(TimeSpan.FromHours(1));
        var bus = new LocalEventBus(BusName, RepositoryRoot.Targets(topic), Rules(), topic, _time, store);

        await bus.PublishAsync(
            new[]
            {
                Entry("""{"transaction_id":"a","status":"APPROVED","amount":20000,"alert":["high-value"]}"""),
                Entry("""{"transaction_id":"b","status":"ERROR","alert":["failed"]}"""),
                Entry("""{"transaction_id":"c","status":"SUCCESS","amount":10}"""),
            },
            CancellationToken.None);

        var statistics = bus.Statistics;
        Assert.Equal((3, 0, 2), (statistics.EntriesReceived, statistics.FailedEntries, statistics.EventsMatched));
        Assert.Equal(1, statistics.Rules.Single(r => r.RuleName == "paywatch-high-value").MatchedEvents);
        Assert.Equal(1, statistics.Rules.Single(r => r.RuleName == "paywatch-failed").Invocations);
        Assert.Equal(0, statistics.Rules.Single(r => r.RuleName == "paywatch-velocity").MatchedEvents);
        var key = new MetricKey("AWS/Events", "MatchedEvents", [new("EventBusName", BusName), new("RuleName", "paywatch-failed")]);
        Assert.Equal(1, Assert.Single(store.GetStatistics(key, Now.AddMinutes(-1), Now.AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Sum)).Value);
    }

    [Fact]
    public async Task Entries_with_malformed_detail_or_for_another_bus_are_refused_with_PutEvents_error_codes()
    {
        await using var topic = Topic();
        var bus = new LocalEventBus(BusName, RepositoryRoot.Targets(topic), Rules(), topic, _time);

        var results = await bus.PutEventsAsync(
        [
            new PutEventsRequestEntry("paywatch.transactions", "Transaction Processed", "{not json", BusName),
            new PutEventsRequestEntry("paywatch.transactions", "Transaction Processed", "{}", "some-other-bus"),
            new PutEventsRequestEntry(null, "Transaction Processed", "{}", BusName),
            new PutEventsRequestEntry("paywatch.transactions", "Transaction Processed", "{}", BusName),
        ]);

        Assert.Equal(["MalformedDetail", "ResourceNotFoundException", "InvalidArgument", null], results.Select(r => r.ErrorCode));
        Assert.NotNull(results[3].EventId);
        var published = await bus.PublishAsync(new[] { Entry("[1]") }, CancellationToken.None);
        Assert.Equal([0], published.FailedEntries);
    }

    [Fact]
    public async Task A_rule_on_an_envelope_field_sees_the_built_event()
    {
        await using var topic = Topic();
        var rules = new[] { RuleDefinition.Parse("""{"Name":"by-account","EventPattern":{"account":["000000000000"],"region":["us-east-1"]}}""") };
        var bus = new LocalEventBus(BusName, RepositoryRoot.Targets(topic), rules, topic, _time);

        await bus.PublishAsync(new[] { Entry("""{"transaction_id":"x"}""") }, CancellationToken.None);

        // A rule without a target matches and delivers nothing, as in EventBridge.
        Assert.Equal(1, bus.Statistics.Rules.Single(r => r.RuleName == "by-account").MatchedEvents);
        Assert.Empty(topic.Recent);
    }

    private LocalTopic Topic() => new("paywatch-alerts-local", "us-east-1", "000000000000", [], _time);

    private static IReadOnlyList<RuleDefinition> Rules() => RuleDefinition.LoadDirectory(Path.Combine(RepositoryRoot.Config, "rules"));

    private static EventEntry Entry(string detail) =>
        new("paywatch.transactions", "Transaction Processed", Encoding.UTF8.GetBytes(detail), BusName, Now);
}
