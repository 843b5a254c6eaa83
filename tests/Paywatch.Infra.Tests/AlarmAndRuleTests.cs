using System.Text;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;
using Paywatch.Patterns;

namespace Paywatch.Infra.Tests;

public sealed class AlarmAndRuleTests
{
    private static List<MetricAlarmDefinition> MetricAlarms() => [.. Repository.Config.MetricAlarms.Select(f => MetricAlarmDefinition.Parse(Repository.Render(f)))];

    private static List<CompositeAlarmDefinition> CompositeAlarms() => [.. Repository.Config.CompositeAlarms.Select(f => CompositeAlarmDefinition.Parse(Repository.Render(f)))];

    [Fact]
    public void Every_composite_rule_names_alarms_defined_in_config()
    {
        var metricAlarms = MetricAlarms();
        var composites = CompositeAlarms();

        // AlarmSet refuses, as PutCompositeAlarm does, a rule naming an alarm that does not exist.
        var set = new AlarmSet(metricAlarms, composites);

        Assert.Equal(3, set.CompositeAlarms.Count());
        Assert.All(composites, c => Assert.All(c.AlarmRule.AlarmNames, n => Assert.Contains(n, metricAlarms.Select(a => a.AlarmName))));
    }

    [Fact]
    public void A_composite_naming_an_alarm_missing_from_config_is_refused()
    {
        var withoutLatency = MetricAlarms().Where(a => a.AlarmName != "paywatch-latency-prod");

        Assert.Throws<InvalidAlarmDefinitionException>(() => new AlarmSet(withoutLatency, CompositeAlarms()));
    }

    [Fact]
    public void The_composites_are_processing_health_system_capacity_and_delivery_health()
    {
        var rules = CompositeAlarms().ToDictionary(c => c.AlarmName, c => c.AlarmRule.AlarmNames.Order(StringComparer.Ordinal).ToList());

        Assert.Equal(["paywatch-error-rate-prod", "paywatch-latency-prod"], rules["paywatch-processing-health-prod"]);
        Assert.Equal(["paywatch-iterator-age-prod", "paywatch-throttles-prod"], rules["paywatch-system-capacity-prod"]);
        Assert.Equal(
            ["paywatch-processor-dlq-depth-prod", "paywatch-publish-failures-prod", "paywatch-routing-dead-letters-prod", "paywatch-routing-dlq-depth-prod", "paywatch-routing-failures-prod"],
            rules["paywatch-delivery-health-prod"]);
    }

    // One notification per incident and per recovery: the composites notify, the alarms they combine keep their state
    // and history but send nothing (each would otherwise mail every change a second time).
    [Fact]
    public void Only_the_composites_notify_and_every_metric_alarm_is_in_one()
    {
        var topic = Repository.TemplateValues["alerts_topic_arn"];
        var composites = CompositeAlarms();
        var combined = composites.SelectMany(c => c.AlarmRule.AlarmNames).ToHashSet(StringComparer.Ordinal);

        Assert.All(composites, c => Assert.Equal([topic, topic], c.Actions.Alarm.Concat(c.Actions.Ok)));
        Assert.All(MetricAlarms(), a =>
        {
            Assert.Contains(a.AlarmName, combined);
            Assert.Equal((0, 0, 0), (a.Actions.Alarm.Count, a.Actions.Ok.Count, a.Actions.InsufficientData.Count));
        });
    }

    // "Alarms based on metric math expressions can reference a maximum of 10 metrics. This is a hard limit"
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html). EventBridge reports
    // FailedInvocations and InvocationsSentToDlq per rule only (EventBusName and RuleName for a custom bus:
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html), so each routing alarm names every rule.
    [Theory]
    [InlineData("paywatch-routing-failures-prod", "FailedInvocations")]
    [InlineData("paywatch-routing-dead-letters-prod", "InvocationsSentToDlq")]
    public void A_routing_alarm_watches_every_rule_of_config_within_the_metric_math_limit(string alarmName, string metricName)
    {
        var alarm = MetricAlarms().Single(a => a.AlarmName == alarmName);
        var rules = RuleDefinition.LoadDirectory(Path.Combine(Repository.Config.Root, "rules")).Select(r => r.Name).Order(StringComparer.Ordinal);
        var metrics = alarm.Metrics.Where(q => q.Metric is not null).Select(q => q.Metric!).ToList();
        string Dimension(MetricKey m, string name) => m.Dimensions.Single(d => d.Key == name).Value;

        Assert.InRange(metrics.Count, 1, 10);
        Assert.All(metrics, m => Assert.Equal(("AWS/Events", metricName), (m.Namespace, m.Name)));
        Assert.All(metrics, m => Assert.Equal("paywatch-transactions-prod", Dimension(m, "EventBusName")));
        Assert.Equal(rules, metrics.Select(m => Dimension(m, "RuleName")).Order(StringComparer.Ordinal));
    }

    // The spec's samples as the processor publishes them (docs/transactions.md, "The event"), with the alert the
    // processor notifies them for (docs/alerting.md), and events made to sit on either side of each rule's threshold:
    // a rule needs both its content condition and its alert.
    [Theory]
    [InlineData("""{"transaction_id":"txn-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","transaction_count":1,"status":"APPROVED","risk_score":10}""", "")]
    [InlineData("""{"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1,"status":"APPROVED","risk_score":40,"alert":["high-value"]}""", "paywatch-high-value")]
    [InlineData("""{"transaction_id":"txn-003","amount":-100,"type":"PURCHASE","status":"FAILED","error_code":"MISSING_FIELD","alert":["failed"]}""", "paywatch-failed")]
    [InlineData("""{"transaction_id":"x","status":"ERROR","error_code":"INVALID_JSON","alert":["failed"]}""", "paywatch-failed")]
    [InlineData("""{"transaction_id":"x","status":"FAILED","error_code":"MISSING_FIELD"}""", "")]
    [InlineData("""{"transaction_id":"x","amount":15000,"status":"APPROVED","merchant_country":"US"}""", "")]
    [InlineData("""{"transaction_id":"x","amount":10000,"status":"APPROVED","merchant_country":"US","alert":["high-value"]}""", "")]
    [InlineData("""{"transaction_id":"x","amount":50,"status":"APPROVED","merchant_country":"BR","risk_score":81,"alert":["fraud"]}""", "paywatch-fraud")]
    [InlineData("""{"transaction_id":"x","amount":50,"status":"APPROVED","merchant_country":"BR","risk_score":80,"alert":["fraud"]}""", "")]
    [InlineData("""{"transaction_id":"x","amount":50,"status":"APPROVED","merchant_country":"GB","risk_score":95,"alert":["fraud"]}""", "")]
    [InlineData("""{"transaction_id":"x","amount":50,"status":"APPROVED","merchant_country":"US","transaction_count":21,"alert":["velocity"]}""", "paywatch-velocity")]
    [InlineData("""{"transaction_id":"x","amount":50,"status":"APPROVED","merchant_country":"US","transaction_count":20,"alert":["velocity"]}""", "")]
    [InlineData("""{"transaction_id":"x","amount":15000,"status":"APPROVED","merchant_country":"US","transaction_count":21,"alert":["high-value","velocity"]}""", "paywatch-high-value,paywatch-velocity")]
    public void The_four_rules_route_the_samples_as_the_spec_says(string detail, string expected)
    {
        var rules = RuleDefinition.LoadDirectory(Path.Combine(Repository.Config.Root, "rules"));
        var matcher = RuleSet.Compile(rules).CreateMatcher();
        var matched = new List<string>();

        matcher.MatchEntry("paywatch.transactions", "Transaction Processed", Encoding.UTF8.GetBytes(detail), matched);

        Assert.Equal(expected, string.Join(",", matched.Order(StringComparer.Ordinal)));
        Assert.Equal(5, rules.Count);
    }
}
