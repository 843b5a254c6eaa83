using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Local.Bus;
using Paywatch.Local.Notifications;
using Paywatch.Patterns;

namespace Paywatch.Local.Tests.Bus;

/// <summary>
/// Each rule's message (config/targets, the files Terraform deploys) read by a person: the processor with the shipped
/// rules publishing to the twin's bus, and every placeholder of every routed rule's template given a value.
/// </summary>
public sealed class AlertMessageTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    // The spec's three samples (spec "Generate Test Transactions"), an unreadable record, suspected fraud, and a burst.
    private static readonly string[] Records =
    [
        """{"transaction_id":"txn-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","transaction_count":1}""",
        """{"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1}""",
        """{"transaction_id":"txn-003","amount":-100,"type":"PURCHASE"}""",
        """{"transaction_id":"txn-004","amount":4""",
        """{"transaction_id":"txn-005","amount":900,"type":"TRANSFER","merchant_id":"merch-9","merchant_country":"BR","risk_score":95}""",
        .. Enumerable.Range(1, 22).Select(i => $$"""{"transaction_id":"txn-b{{i}}","amount":12,"type":"PURCHASE","merchant_id":"merch-1","merchant_country":"US","card_id":"card_burst"}"""),
    ];

    [Fact]
    public async Task Every_placeholder_of_every_routed_rule_s_message_has_a_value()
    {
        var (routed, targets) = await RouteAsync(Records);

        Assert.Equal(
            ["paywatch-failed", "paywatch-failed", "paywatch-fraud", "paywatch-high-value", "paywatch-velocity", "paywatch-window-summary"],
            routed.Select(e => e.RuleName).Order(StringComparer.Ordinal));
        foreach (var routedEvent in routed)
        {
            using var document = JsonDocument.Parse(routedEvent.EventJson);
            foreach (var (name, path) in targets[routedEvent.RuleName].InputTransformer.InputPathsMap)
            {
                var value = new InputTransformer(new Dictionary<string, string> { [name] = path }, $"\"<{name}>\"").Transform(document.RootElement, "r", "arn", Now);
                Assert.True(value != "\"\"", $"{routedEvent.RuleName}: <{name}> ({path}) is empty in: {routedEvent.TargetInput}");
            }
        }

        // The risk score is the scorer's (docs/transactions.md), not the spec's: the message is checked around it.
        Assert.Contains(routed, e => e.TargetInput.StartsWith("\"Paywatch local: high-value transaction txn-002, a PURCHASE of 15000 at merchant merch-456 (US), risk score ", StringComparison.Ordinal)
            && e.TargetInput.EndsWith(", at 2026-12-04T12:00:00Z. Record 000000000000000000002 on shardId-000000000000.\"", StringComparison.Ordinal));
        Assert.Contains(routed, e => e.TargetInput == "\"Paywatch local: FAILED, the window's first MISSING_FIELD on shardId-000000000000: transaction txn-003: a required field is absent or empty (merchant_id), and 2 more. Record 000000000000000000003, at 2026-12-04T12:00:00Z. More failures in this window are counted in its summary.\"");
        Assert.Contains(routed, e => e.TargetInput.StartsWith("\"Paywatch local: velocity, card_burst reached 21 transactions in the window", StringComparison.Ordinal));
    }

    // EventBridge puts a string value into the template's quotes unescaped
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html), and the twin's bus does
    // the same: the processor's template_safe copies are what keep a producer's quote, backslash or control character
    // from breaking the message.
    [Fact]
    public async Task A_hostile_transaction_id_gives_a_whole_message_though_EventBridge_inserts_values_unescaped()
    {
        const string HostileId = "txn-\"q\"\\x\u0007";
        const string HostileMerchant = "m\"1\\";
        var records = new[]
        {
            JsonSerializer.Serialize(new { transaction_id = HostileId, amount = 15000, type = "PURCHASE", merchant_id = HostileMerchant, merchant_country = "US" }),
            JsonSerializer.Serialize(new { transaction_id = HostileId, amount = -5, type = "PURCHASE", merchant_id = HostileMerchant, merchant_country = "US" }),
        };

        var (routed, _) = await RouteAsync(records);

        var messages = routed.Where(e => e.RuleName is "paywatch-high-value" or "paywatch-failed").ToDictionary(e => e.RuleName, e => JsonSerializer.Deserialize<string>(e.TargetInput)!);
        Assert.StartsWith($"Paywatch local: high-value transaction {HostileId}, a PURCHASE of 15000 at merchant {HostileMerchant} (US), ", messages["paywatch-high-value"], StringComparison.Ordinal);
        Assert.Contains($": transaction {HostileId}: ", messages["paywatch-failed"], StringComparison.Ordinal);
        // The event keeps the producer's id as it was sent, for lookups.
        using var highValue = JsonDocument.Parse(routed.Single(e => e.RuleName == "paywatch-high-value").EventJson);
        Assert.Equal(HostileId, highValue.RootElement.GetProperty("detail").GetProperty("transaction_id").GetString());
    }

    [Fact]
    public void The_bus_inserts_a_string_value_into_the_template_s_quotes_unescaped_as_EventBridge_does()
    {
        using var @event = JsonDocument.Parse("""{"detail":{"id":"a\"b"}}""");

        var output = new InputTransformer(new Dictionary<string, string> { ["id"] = "$.detail.id" }, "\"id <id>\"").Transform(@event.RootElement, "r", "arn", Now);

        Assert.Equal("\"id a\"b\"", output);
    }

    /// <summary>The records through the processor with the shipped rules onto the twin's bus, in one window closed at the end.</summary>
    private static async Task<(List<RoutedEvent> Routed, IReadOnlyDictionary<string, RuleTarget> Targets)> RouteAsync(IEnumerable<string> records)
    {
        var time = new FakeTimeProvider(Now);
        await using var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], time);
        var rules = RuleDefinition.LoadDirectory(Path.Combine(RepositoryRoot.Config, "rules"));
        var targets = RepositoryRoot.Targets(topic);
        var bus = new LocalEventBus("paywatch-transactions-local", targets, rules, topic, time);
        var options = new ProcessorOptions { EventBusName = bus.EventBusName };
        using var handler = new KinesisBatchHandler(
            options, bus, new RuleRoutingPolicy(RuleSet.Compile(rules), options.EventSource, options.DetailType, PublishMode.Matched),
            new NoMetrics(), new NoLogs(), time);
        var window = new TumblingWindow(Now.AddMinutes(-1), Now.AddMinutes(4));
        var open = new KinesisEvent
        {
            Records = [.. records.Select((r, i) => KinesisEventRecord.FromData(Encoding.UTF8.GetBytes(r), $"{i + 1:D21}", $"pk-{i}", Now))],
            Window = window,
            ShardId = "shardId-000000000000",
        };

        var state = (await handler.HandleAsync(open, CancellationToken.None)).State!.Value;
        await handler.HandleAsync(new KinesisEvent { Records = [], Window = window, State = state, ShardId = open.ShardId, IsFinalInvokeForWindow = true }, CancellationToken.None);
        return ([.. rules.SelectMany(r => bus.RecentEvents(r.Name))], targets);
    }

    private sealed class NoMetrics : IMetricsWriter
    {
        public void Write(string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets)
        {
        }
    }

    private sealed class NoLogs : ILogWriter
    {
        public void Write(ReadOnlySpan<byte> utf8Lines)
        {
        }
    }
}
