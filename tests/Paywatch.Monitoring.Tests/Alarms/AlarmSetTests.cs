using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Monitoring.Tests.Alarms;

/// <summary>The shipped alarms of config/alarms running together on a metric store, as the local twin will run them.</summary>
public sealed class AlarmSetTests
{
    private const string Function = ShippedTemplateValues.Function;
    private const string Topic = ShippedTemplateValues.Topic;
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private static AlarmSet Shipped()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "config", "alarms"), "*.json")
            .Select(f => (f, ConfigTemplate.Fill(File.ReadAllText(f), ShippedTemplateValues.Prod))).ToList();
        return new AlarmSet(
            files.Where(f => !f.f.EndsWith(".composite.json", StringComparison.Ordinal)).Select(f => MetricAlarmDefinition.Parse(f.Item2)),
            files.Where(f => f.f.EndsWith(".composite.json", StringComparison.Ordinal)).Select(f => CompositeAlarmDefinition.Parse(f.Item2)));
    }

    private static MetricKey Lambda(string name) => new("AWS/Lambda", name, [KeyValuePair.Create("FunctionName", Function)]);

    [Fact]
    public void The_shipped_set_loads_with_every_composite_child_present()
    {
        var alarms = Shipped();

        Assert.Equal(9, alarms.MetricAlarms.Count());
        Assert.Equal(["paywatch-delivery-health-prod", "paywatch-processing-health-prod", "paywatch-system-capacity-prod"], alarms.CompositeAlarms.Select(c => c.AlarmName).Order());
    }

    [Fact]
    public void An_error_burst_raises_the_error_rate_alarm_and_the_processing_health_composite()
    {
        var alarms = Shipped();
        var store = new MetricStore(TimeSpan.FromHours(3));
        var transitions = new List<AlarmTransition>();
        for (var minute = 0; minute < 10; minute++)
        {
            var t = T0.AddMinutes(minute);
            store.Put(Lambda("Invocations"), t, 100);
            // Minutes 4-6: 5 errors per 100 invocations (5 % > 1 %); otherwise none reported (FILL makes it 0).
            if (minute is >= 4 and <= 6)
            {
                store.Put(Lambda("Errors"), t, 5);
            }

            transitions.AddRange(alarms.Evaluate(store, t.AddMinutes(1)));
        }

        var errorRate = transitions.Where(t => t.AlarmName == "paywatch-error-rate-prod").Select(t => (t.Timestamp, t.NewState)).ToList();
        // First evaluation: OK. Three breaching minutes (4, 5, 6) are complete at 08:07 → ALARM; at 08:09 only
        // minutes 5 and 6 of the last five breach → OK.
        Assert.Equal([(T0.AddMinutes(1), AlarmState.Ok), (T0.AddMinutes(7), AlarmState.Alarm), (T0.AddMinutes(10), AlarmState.Ok)], errorRate);

        var health = transitions.Where(t => t.AlarmName == "paywatch-processing-health-prod").ToList();
        Assert.Equal([AlarmState.Ok, AlarmState.Alarm, AlarmState.Ok], health.Select(t => t.NewState));
        Assert.Equal([Topic], health[1].Actions);
        Assert.Contains("paywatch-error-rate-prod is ALARM", health[1].Reason, StringComparison.Ordinal);
        Assert.Equal(AlarmState.Ok, alarms.StateOf("paywatch-system-capacity-prod"));
    }

    [Fact]
    public void A_composite_naming_an_unknown_alarm_is_refused()
    {
        var composite = CompositeAlarmDefinition.Parse("""{"AlarmName": "c", "AlarmRule": "ALARM(\"nope\")"}""");

        var error = Assert.Throws<InvalidAlarmDefinitionException>(() => new AlarmSet([], [composite]));
        Assert.Equal("Alarm c: its AlarmRule names 'nope', which is not an alarm here.", error.Message);
    }

    [Fact]
    public void An_invalid_rule_is_refused_naming_the_alarm()
    {
        var error = Assert.Throws<InvalidAlarmDefinitionException>(() => CompositeAlarmDefinition.Parse("""{"AlarmName": "c", "AlarmRule": "ALARM(a) AND"}"""));

        Assert.StartsWith("Alarm c: AlarmRule is not valid", error.Message, StringComparison.Ordinal);
    }
}

public sealed class AlarmSetSuppressionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly MetricKey Errors = new("N", "Errors");

    private static AlarmSet Set() => new(
        [
            MetricAlarmDefinition.Parse("""{"AlarmName": "errors", "Namespace": "N", "MetricName": "Errors", "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 5, "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching"}"""),
            MetricAlarmDefinition.Parse("""{"AlarmName": "maintenance", "Namespace": "N", "MetricName": "Maintenance", "Statistic": "Maximum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching"}"""),
        ],
        [
            CompositeAlarmDefinition.Parse("""{"AlarmName": "health", "AlarmRule": "ALARM(errors)", "AlarmActions": ["page"], "ActionsSuppressor": "maintenance", "ActionsSuppressorWaitPeriod": 120, "ActionsSuppressorExtensionPeriod": 60}"""),
        ]);

    [Fact]
    public void Actions_held_by_the_wait_period_run_when_it_ends_if_the_composite_is_still_in_alarm()
    {
        var alarms = Set();
        var store = new MetricStore(TimeSpan.FromHours(1));
        var health = new List<AlarmTransition>();
        for (var minute = 0; minute < 4; minute++)
        {
            store.Put(Errors, T0.AddMinutes(minute), 10);
            health.AddRange(alarms.Evaluate(store, T0.AddMinutes(minute + 1)).Where(t => t.AlarmName == "health"));
        }

        // 08:01: ALARM, actions held for the 120 s wait period [08:01, 08:03); 08:03: the wait is over, the
        // composite is still in ALARM, so the transition comes again with its actions.
        Assert.Equal([(T0.AddMinutes(1), 0), (T0.AddMinutes(1), 1)], health.Select(t => (t.Timestamp, t.Actions.Count)));
        Assert.All(health, t => Assert.Equal(AlarmState.Alarm, t.NewState));
    }

    [Fact]
    public void Held_actions_are_dropped_when_the_composite_moves_on()
    {
        var alarms = Set();
        var store = new MetricStore(TimeSpan.FromHours(1));
        store.Put(Errors, T0, 10);
        for (var minute = 1; minute < 5; minute++)
        {
            store.Put(Errors, T0.AddMinutes(minute), 1);
        }

        var first = alarms.Evaluate(store, T0.AddMinutes(1)).Single(t => t.AlarmName == "health");
        var later = Enumerable.Range(2, 4).SelectMany(m => alarms.Evaluate(store, T0.AddMinutes(m))).Where(t => t.AlarmName == "health").ToList();

        Assert.Empty(first.Actions);
        // Errors fall to 1 at 08:01, so at 08:02 the composite is OK again, inside the wait period: the ALARM
        // actions never run.
        Assert.Equal([AlarmState.Ok], later.Select(t => t.NewState));
    }

    [Fact]
    public void A_suppressor_that_is_not_an_alarm_is_refused()
    {
        var composite = CompositeAlarmDefinition.Parse("""{"AlarmName": "c", "AlarmRule": "TRUE", "ActionsSuppressor": "nope"}""");

        var error = Assert.Throws<InvalidAlarmDefinitionException>(() => new AlarmSet([], [composite]));
        Assert.Equal("Alarm c: its ActionsSuppressor 'nope' is not an alarm here.", error.Message);
    }
}
