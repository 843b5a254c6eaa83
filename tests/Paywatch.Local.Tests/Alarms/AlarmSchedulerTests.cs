using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Alarms;
using Paywatch.Local.Notifications;
using Paywatch.Local.Tests.Bus;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Alarms;

public sealed partial class AlarmSchedulerTests
{
    private const string TopicArn = "arn:aws:sns:us-east-1:000000000000:paywatch-alerts-local";
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 11, 59, 30, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly MetricStore _store = new(TimeSpan.FromHours(3));

    [Fact]
    public void The_config_alarms_load_with_the_local_names_and_topic()
    {
        var alarms = AlarmScheduler.Load(RepositoryRoot.Config, new LocalTwinSettings().TemplateValues);

        Assert.Equal(
            [
                "paywatch-error-rate-local", "paywatch-iterator-age-local", "paywatch-latency-local", "paywatch-processor-dlq-depth-local", "paywatch-publish-failures-local",
                "paywatch-routing-dead-letters-local", "paywatch-routing-dlq-depth-local", "paywatch-routing-failures-local", "paywatch-throttles-local",
            ],
            alarms.MetricAlarms.Select(a => a.Definition.AlarmName).Order(StringComparer.Ordinal));
        Assert.Equal(["paywatch-delivery-health-local", "paywatch-processing-health-local", "paywatch-system-capacity-local"], alarms.CompositeAlarms.Select(a => a.AlarmName).Order(StringComparer.Ordinal));
        Assert.All(alarms.MetricAlarms, a => Assert.Empty(a.Definition.Actions.Alarm));
        Assert.All(alarms.CompositeAlarms, a => Assert.Equal([TopicArn], a.Actions.Alarm));
        Assert.Contains(
            alarms.MetricAlarms.Single(a => a.Definition.AlarmName == "paywatch-error-rate-local").Definition.Metrics,
            q => q.Metric is { } m && m.Dimensions.Contains(KeyValuePair.Create("FunctionName", "transaction-processor-local")));
    }

    [Fact]
    public async Task An_error_burst_turns_processing_health_to_ALARM_and_notifies_in_CloudWatch_shape()
    {
        await using var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], _time);
        using var scheduler = new AlarmScheduler(AlarmScheduler.Load(RepositoryRoot.Config, new LocalTwinSettings().TemplateValues), _store, topic, _time);
        scheduler.Start();
        // 10% of invocations fail in the minutes 12:00, 12:01 and 12:02: 3 of 5 periods over 1%.
        for (var minute = 0; minute < 3; minute++)
        {
            var at = new DateTimeOffset(2026, 11, 26, 12, minute, 20, TimeSpan.Zero);
            _store.Put(Lambda("Invocations"), at, 100);
            _store.Put(Lambda("Errors"), at, 10);
        }

        for (var minute = 0; minute < 4; minute++)
        {
            _time.Advance(TimeSpan.FromSeconds(minute == 0 ? 30 : 60)); // 12:00, 12:01, 12:02, 12:03: one evaluation each
        }

        var composite = scheduler.DescribeAlarms().Single(a => a.AlarmName == "paywatch-processing-health-local");
        Assert.Equal(AlarmState.Alarm, composite.StateValue);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 12, 3, 0, TimeSpan.Zero), composite.StateUpdatedTimestamp);

        var notification = Assert.Single(topic.Recent, n => n.Subject == "ALARM: \"paywatch-processing-health-local\" in US East (N. Virginia)");
        var message = JsonDocument.Parse(notification.Message).RootElement;
        Assert.Equal("paywatch-processing-health-local", message.GetProperty("AlarmName").GetString());
        Assert.Equal("000000000000", message.GetProperty("AWSAccountId").GetString());
        Assert.Equal("ALARM", message.GetProperty("NewStateValue").GetString());
        Assert.Equal("OK", message.GetProperty("OldStateValue").GetString());
        Assert.Equal("US East (N. Virginia)", message.GetProperty("Region").GetString());
        Assert.Equal("arn:aws:cloudwatch:us-east-1:000000000000:alarm:paywatch-processing-health-local", message.GetProperty("AlarmArn").GetString());
        Assert.Equal("ALARM(\"paywatch-error-rate-local\") OR ALARM(\"paywatch-latency-local\")", message.GetProperty("AlarmRule").GetString());
        Assert.Equal("2026-11-26T12:03:00.000+0000", message.GetProperty("StateChangeTime").GetString());
        var child = Assert.Single(message.GetProperty("TriggeringChildren").EnumerateArray());
        Assert.Equal("arn:aws:cloudwatch:us-east-1:000000000000:alarm:paywatch-error-rate-local", child.GetProperty("Arn").GetString());
        Assert.Equal("ALARM", child.GetProperty("State").GetProperty("Value").GetString());
    }

    [Fact]
    public async Task A_metric_alarm_transition_carries_the_trigger_of_its_metric_math_and_notifies_nobody()
    {
        await using var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], _time);
        using var scheduler = new AlarmScheduler(AlarmScheduler.Load(RepositoryRoot.Config, new LocalTwinSettings().TemplateValues), _store, topic, _time);
        _time.SetUtcNow(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

        scheduler.EvaluateNow();

        // notBreaching with no data: the error-rate alarm leaves INSUFFICIENT_DATA for OK; it has no actions of its own.
        Assert.DoesNotContain(topic.Recent, n => n.Subject == "OK: \"paywatch-error-rate-local\" in US East (N. Virginia)");
        var message = AlarmMessages.OfTransition(scheduler, "paywatch-error-rate-local", AlarmState.Ok);
        Assert.Equal("INSUFFICIENT_DATA", message.GetProperty("OldStateValue").GetString());
        Assert.Matches(CloudWatchTimestamp(), message.GetProperty("AlarmConfigurationUpdatedTimestamp").GetString());
        var trigger = message.GetProperty("Trigger");
        Assert.Equal(5, trigger.GetProperty("EvaluationPeriods").GetInt32());
        Assert.Equal(3, trigger.GetProperty("DatapointsToAlarm").GetInt32());
        Assert.Equal("GreaterThanThreshold", trigger.GetProperty("ComparisonOperator").GetString());
        Assert.Equal(1, trigger.GetProperty("Threshold").GetDouble());
        Assert.Equal("notBreaching", trigger.GetProperty("TreatMissingData").GetString());
        var metrics = trigger.GetProperty("Metrics").EnumerateArray().ToList();
        Assert.Equal("100 * FILL(errors, 0) / invocations", metrics.Single(m => m.GetProperty("Id").GetString() == "error_rate").GetProperty("Expression").GetString());
        var errors = metrics.Single(m => m.GetProperty("Id").GetString() == "errors").GetProperty("MetricStat");
        Assert.Equal("Errors", errors.GetProperty("Metric").GetProperty("MetricName").GetString());
        Assert.Equal("transaction-processor-local", errors.GetProperty("Metric").GetProperty("Dimensions")[0].GetProperty("value").GetString());
        Assert.Equal("Sum", errors.GetProperty("Stat").GetString());
    }

    [Fact]
    public async Task Throttling_turns_system_capacity_to_ALARM_and_its_end_back_to_OK_with_a_notification_each()
    {
        await using var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], _time);
        using var scheduler = new AlarmScheduler(AlarmScheduler.Load(RepositoryRoot.Config, new LocalTwinSettings().TemplateValues), _store, topic, _time);
        scheduler.Start();
        _store.Put(Lambda("Throttles"), new DateTimeOffset(2026, 11, 26, 12, 0, 10, TimeSpan.Zero), 4);
        _store.Put(Lambda("Throttles"), new DateTimeOffset(2026, 11, 26, 12, 1, 10, TimeSpan.Zero), 7);

        _time.Advance(TimeSpan.FromSeconds(30)); // 12:00
        _time.Advance(TimeSpan.FromMinutes(1)); // 12:01: one throttled minute of the 2 needed
        Assert.Equal(AlarmState.Ok, scheduler.DescribeAlarms().Single(a => a.AlarmName == "paywatch-system-capacity-local").StateValue);
        _time.Advance(TimeSpan.FromMinutes(1)); // 12:02: two
        Assert.Equal(AlarmState.Alarm, scheduler.DescribeAlarms().Single(a => a.AlarmName == "paywatch-system-capacity-local").StateValue);
        for (var minute = 0; minute < 5; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1)); // to 12:07: the range is N + 2 = 7 periods, both throttled minutes in it
        }

        Assert.Equal(AlarmState.Alarm, scheduler.DescribeAlarms().Single(a => a.AlarmName == "paywatch-system-capacity-local").StateValue);
        _time.Advance(TimeSpan.FromMinutes(1)); // 12:08: only 12:01 left in 12:01-12:07

        Assert.Equal(AlarmState.Ok, scheduler.DescribeAlarms().Single(a => a.AlarmName == "paywatch-system-capacity-local").StateValue);
        Assert.Equal(
            ["ALARM: \"paywatch-system-capacity-local\" in US East (N. Virginia)", "OK: \"paywatch-system-capacity-local\" in US East (N. Virginia)"],
            topic.Recent.Where(n => n.Subject!.Contains("system-capacity", StringComparison.Ordinal) && !n.Subject.Contains("INSUFFICIENT", StringComparison.Ordinal)).Select(n => n.Subject).Skip(1));
        var trigger = AlarmMessages.OfTransition(scheduler, "paywatch-throttles-local", AlarmState.Alarm).GetProperty("Trigger");
        Assert.Equal("Throttles", trigger.GetProperty("MetricName").GetString());
        Assert.Equal("AWS/Lambda", trigger.GetProperty("Namespace").GetString());
        Assert.Equal("SUM", trigger.GetProperty("Statistic").GetString());
        Assert.Equal("Statistic", trigger.GetProperty("StatisticType").GetString());
        Assert.Equal(60, trigger.GetProperty("Period").GetInt32());
        Assert.Equal("FunctionName", trigger.GetProperty("Dimensions")[0].GetProperty("name").GetString());
    }

    /// <summary>CloudWatch keeps an alarm's state and history; a restarted twin does too, and does not notify again.</summary>
    [Fact]
    public async Task An_alarm_in_ALARM_before_a_restart_is_in_ALARM_after_it_with_its_history_and_is_not_notified_again()
    {
        using var folder = new TemporaryDirectory();
        IReadOnlyList<AlarmTransition> history;
        AlarmSnapshot before;
        await using (var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], _time))
        using (var scheduler = new AlarmScheduler(AlarmScheduler.Load(RepositoryRoot.Config, new LocalTwinSettings().TemplateValues), _store, topic, _time, dataDirectory: folder.Path))
        {
            scheduler.Start();
            _store.Put(Lambda("Throttles"), new DateTimeOffset(2026, 11, 26, 12, 0, 10, TimeSpan.Zero), 4);
            _store.Put(Lambda("Throttles"), new DateTimeOffset(2026, 11, 26, 12, 1, 10, TimeSpan.Zero), 7);
            _time.Advance(TimeSpan.FromSeconds(30)); // 12:00
            _time.Advance(TimeSpan.FromMinutes(1)); // 12:01
            _time.Advance(TimeSpan.FromMinutes(1)); // 12:02: two throttled minutes, ALARM
            before = scheduler.DescribeAlarms().Single(a => a.AlarmName == "paywatch-system-capacity-local");
            Assert.Equal(AlarmState.Alarm, before.StateValue);
            history = scheduler.RecentTransitions;
        }

        await using var restartedTopic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], _time);
        var report = new Paywatch.Local.Storage.DataFolderReport();
        using var restarted = new AlarmScheduler(
            AlarmScheduler.Load(RepositoryRoot.Config, new LocalTwinSettings().TemplateValues), _store, restartedTopic, _time, dataDirectory: folder.Path, report: report);

        Assert.Empty(report.Lines);
        foreach (var name in new[] { "paywatch-system-capacity-local", "paywatch-throttles-local" })
        {
            var after = restarted.DescribeAlarms().Single(a => a.AlarmName == name);
            Assert.Equal(AlarmState.Alarm, after.StateValue);
            Assert.Equal(new DateTimeOffset(2026, 11, 26, 12, 2, 0, TimeSpan.Zero), after.StateUpdatedTimestamp);
        }

        Assert.Equal(before.StateReason, restarted.DescribeAlarms().Single(a => a.AlarmName == before.AlarmName).StateReason);
        Assert.Equal(
            history.Select(t => (t.AlarmName, t.OldState, t.NewState, t.Reason, t.Timestamp, string.Join(",", t.Actions))),
            restarted.RecentTransitions.Select(t => (t.AlarmName, t.OldState, t.NewState, t.Reason, t.Timestamp, string.Join(",", t.Actions))));
        Assert.Contains(history, t => t.AlarmName == "paywatch-system-capacity-local" && t.NewState == AlarmState.Alarm);

        // Both throttled minutes are still in the range at 12:03: no transition, so no second ALARM notification (a
        // restart that forgot the state would go INSUFFICIENT_DATA -> ALARM and notify again).
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(restarted.EvaluateNow(), t => t.AlarmName is "paywatch-system-capacity-local" or "paywatch-throttles-local");
        Assert.DoesNotContain(restartedTopic.Recent, n => n.Subject!.Contains("system-capacity", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unreadable_kept_alarm_states_are_reported_and_the_alarms_start_from_INSUFFICIENT_DATA()
    {
        using var folder = new TemporaryDirectory();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "alarm-state"), "garbage");
        await using var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], _time);
        var report = new Paywatch.Local.Storage.DataFolderReport();

        using var scheduler = new AlarmScheduler(
            AlarmScheduler.Load(RepositoryRoot.Config, new LocalTwinSettings().TemplateValues), _store, topic, _time, dataDirectory: folder.Path, report: report);

        var line = Assert.Single(report.Lines);
        Assert.StartsWith(Path.Combine(folder.Path, "alarm-state") + ": unreadable", line, StringComparison.Ordinal);
        Assert.All(scheduler.DescribeAlarms(), a => Assert.Equal(AlarmState.InsufficientData, a.StateValue));
    }

    private static MetricKey Lambda(string metric) => new("AWS/Lambda", metric, [new("FunctionName", "transaction-processor-local")]);

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")]
    private static partial Regex CloudWatchTimestamp();
}
