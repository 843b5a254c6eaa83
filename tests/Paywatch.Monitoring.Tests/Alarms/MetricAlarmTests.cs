using Paywatch.Monitoring.Alarms;

namespace Paywatch.Monitoring.Tests.Alarms;

public sealed class MetricAlarmTests
{
    private static readonly IReadOnlyDictionary<string, string> Values = ShippedTemplateValues.Prod;

    private const string Latency = """
        {"AlarmName": "latency", "Namespace": "Paywatch/Transactions", "MetricName": "ProcessingLatency",
         "Dimensions": [{"Name": "Environment", "Value": "prod"}], "ExtendedStatistic": "p99", "Period": 60,
         "EvaluationPeriods": 3, "DatapointsToAlarm": 2, "Threshold": 1000, "ComparisonOperator": "GreaterThanThreshold",
         "AlarmActions": ["topic"], "OKActions": ["topic"]}
        """;

    public static TheoryData<string> ShippedAlarms() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "config", "alarms"), "*.json").Where(f => !f.EndsWith(".composite.json", StringComparison.Ordinal)).Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(ShippedAlarms))]
    public void The_shipped_metric_alarms_are_valid_PutMetricAlarm_input(string file)
    {
        var text = ConfigTemplate.Fill(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "alarms", file)), Values);
        var alarm = MetricAlarmDefinition.Parse(text);

        Assert.EndsWith("-prod", alarm.AlarmName, StringComparison.Ordinal);
        // A shipped metric alarm notifies nobody itself: the composite it is part of does.
        Assert.Empty(alarm.Actions.Alarm.Concat(alarm.Actions.Ok));
        Assert.Equal(60, alarm.Period);
    }

    [Fact]
    public void An_alarm_goes_to_ALARM_with_CloudWatchs_reason_and_names_its_actions()
    {
        var alarm = new MetricAlarm(MetricAlarmDefinition.Parse(Latency));
        var t = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        AlarmDatapoint? Point(int minute, double value) => new AlarmDatapoint(t.AddMinutes(minute), value, 100);

        var first = alarm.Evaluate(t.AddMinutes(5), [Point(0, 10), Point(1, 10), Point(2, 10), Point(3, 10), Point(4, 10)]);
        Assert.Equal((AlarmState.InsufficientData, AlarmState.Ok), (first!.OldState, first.NewState));

        var second = alarm.Evaluate(t.AddMinutes(6), [Point(1, 10), Point(2, 10), Point(3, 1500), Point(4, 10), Point(5, 2000)]);
        Assert.NotNull(second);
        Assert.Equal(AlarmState.Alarm, alarm.State);
        Assert.Equal(["topic"], second.Actions);
        Assert.Equal(
            "Threshold Crossed: 2 out of the last 3 datapoints [2000.0 (26/11/26 08:05:00), 10.0 (26/11/26 08:04:00), 1500.0 (26/11/26 08:03:00)] were greater than the threshold (1000.0) (minimum 2 datapoints for OK -> ALARM transition).",
            second.Reason);
        Assert.Null(alarm.Evaluate(t.AddMinutes(7), [Point(2, 10), Point(3, 1500), Point(4, 10), Point(5, 2000), Point(6, 3000)]));
        Assert.Equal(2, alarm.History.Count);
    }

    [Fact]
    public void Disabled_actions_change_state_without_actions()
    {
        var alarm = new MetricAlarm(MetricAlarmDefinition.Parse(Latency.Replace("\"AlarmName\": \"latency\",", "\"AlarmName\": \"latency\", \"ActionsEnabled\": false,", StringComparison.Ordinal)));

        var transition = alarm.Evaluate(DateTimeOffset.UnixEpoch, [null, null, new AlarmDatapoint(DateTimeOffset.UnixEpoch, 5000, 100), new AlarmDatapoint(DateTimeOffset.UnixEpoch, 5000, 100), new AlarmDatapoint(DateTimeOffset.UnixEpoch, 5000, 100)]);

        Assert.Equal(AlarmState.Alarm, transition!.NewState);
        Assert.Empty(transition.Actions);
    }

    [Fact]
    public void A_percentile_alarm_set_to_ignore_low_samples_waits_for_enough_samples()
    {
        var definition = MetricAlarmDefinition.Parse(Latency.Replace("\"Period\": 60,", "\"Period\": 60, \"EvaluateLowSampleCountPercentile\": \"ignore\",", StringComparison.Ordinal));
        var alarm = new MetricAlarm(definition, AlarmState.Ok);
        AlarmDatapoint Point(long samples) => new(DateTimeOffset.UnixEpoch, 5000, samples);

        // p99 needs 10 / (1 - 0.99) = 1,000 samples.
        Assert.Null(alarm.Evaluate(DateTimeOffset.UnixEpoch, [null, null, Point(999), Point(999), Point(999)]));
        Assert.NotNull(alarm.Evaluate(DateTimeOffset.UnixEpoch, [null, null, Point(1000), Point(1000), Point(1000)]));
    }

    [Theory]
    [InlineData("""{"EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold"}""", "AlarmName is required.")]
    [InlineData("""{"AlarmName": "a", "EvaluationPeriods": 2, "DatapointsToAlarm": 3, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold"}""", "Alarm a: EvaluationPeriods must be at least 1")]
    [InlineData("""{"AlarmName": "a", "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "Above"}""", "Alarm a: ComparisonOperator 'Above' is not supported")]
    [InlineData("""{"AlarmName": "a", "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "zero"}""", "Alarm a: TreatMissingData 'zero'")]
    [InlineData("""{"AlarmName": "a", "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold", "Namespace": "N", "MetricName": "M", "Period": 60}""", "Alarm a: give exactly one of Statistic and ExtendedStatistic.")]
    [InlineData("""{"AlarmName": "a", "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold", "Namespace": "N", "MetricName": "M", "Statistic": "Sum", "Period": 90}""", "Alarm a: Period 90 must be 10, 20, 30 or a multiple of 60 seconds.")]
    [InlineData("""{"AlarmName": "a", "EvaluationPeriods": 25, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold", "Namespace": "N", "MetricName": "M", "Statistic": "Sum", "Period": 3600}""", "Alarm a: EvaluationPeriods × Period must not exceed one day")]
    [InlineData("""{"AlarmName": "a", "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold", "Namespace": "N", "MetricName": "M", "Statistic": "p99", "Period": 60}""", "Alarm a: Statistic 'p99' is a percentile: use ExtendedStatistic.")]
    [InlineData("""{"AlarmName": "a", "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold", "Metrics": [{"Id": "e", "Expression": "1"}, {"Id": "f", "Expression": "2"}]}""", "Alarm a: exactly one of Metrics must have ReturnData true")]
    [InlineData("""{"AlarmName": "a", "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold", "Metrics": [{"Id": "e", "Expression": "100 * (m1"}]}""", "Alarm a: query 'e': Metric math expression is not valid")]
    [InlineData("""{"AlarmName": "a", "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold", "Metrics": [{"Id": "e", "Expression": "100 * m1"}]}""", "Alarm a: an expression uses 'm1', which is not the Id of any query in Metrics.")]
    public void Invalid_definitions_are_refused_naming_the_field(string json, string message)
    {
        var error = Assert.Throws<InvalidAlarmDefinitionException>(() => MetricAlarmDefinition.Parse(json));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Templates_are_filled_as_terraform_templatefile_fills_them()
    {
        Assert.Equal("a-prod ${literal}", ConfigTemplate.Fill("a-${environment} $${literal}", Values));
        var error = Assert.Throws<KeyNotFoundException>(() => ConfigTemplate.Fill("${unknown}", Values));
        Assert.Contains("${unknown}", error.Message, StringComparison.Ordinal);
    }
}
