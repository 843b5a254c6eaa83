using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Monitoring.Tests.Alarms;

public sealed class AlarmReplayTests
{
    private const string Alarm = """
        {"AlarmName": "errors", "Namespace": "N", "MetricName": "Errors", "Statistic": "Sum", "Period": 60,
         "EvaluationPeriods": 3, "DatapointsToAlarm": 3, "Threshold": 5, "ComparisonOperator": "GreaterThanThreshold"}
        """;

    [Fact]
    public void A_csv_backtest_reports_every_period_with_gaps_as_missing_data()
    {
        // Minutes 0-2 quiet, 3-5 breaching, minute 6 missing (no row), 7 empty value, 8 quiet.
        const string Csv = """
            timestamp,value
            2026-11-26T08:00:00Z,1
            2026-11-26T08:01:00Z,0
            2026-11-26T08:02:00Z,2
            2026-11-26T08:03:00Z,9
            2026-11-26T08:04:00Z,7
            2026-11-26T08:05:00Z,6
            2026-11-26T08:07:00Z,
            2026-11-26T08:08:00Z,1
            """;
        var definition = MetricAlarmDefinition.Parse(Alarm);
        var (first, periods) = AlarmReplay.ReadCsv(new StringReader(Csv), 60);

        var states = AlarmReplay.Run(definition, periods, first, AlarmState.InsufficientData).Select(s => s.State).ToList();

        // 1: one real (not breaching) datapoint → OK; 2-3: OK; 4 (08:03): 0 2 9 → OK; 5: 2 9 7 → OK;
        // 6 (08:05): 9 7 6 → ALARM; 7 (08:06 missing): 9 7 6 still the last 3 real → ALARM;
        // 8 (08:07 missing): range 08:03-08:07 holds 9 7 6 → ALARM; 9 (08:08 = 1): 7 6 1 → OK.
        Assert.Equal(
            [AlarmState.Ok, AlarmState.Ok, AlarmState.Ok, AlarmState.Ok, AlarmState.Ok, AlarmState.Alarm, AlarmState.Alarm, AlarmState.Alarm, AlarmState.Ok],
            states);
    }

    [Theory]
    [InlineData("2026-11-26T08:00:00Z,x", "line 1: 'x' is not a number")]
    [InlineData("t,v\nyesterday,1", "line 2: 'yesterday' is not a timestamp")]
    [InlineData("1795000000,1\n1795000010,2", "line 2: a second value for the period")]
    [InlineData("", "no data")]
    public void Bad_csv_is_refused_with_the_line(string csv, string message)
    {
        var error = Assert.Throws<FormatException>(() => AlarmReplay.ReadCsv(new StringReader(csv), 60));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_alarm_statistic_is_read_from_the_metric_store()
    {
        var store = new MetricStore(TimeSpan.FromDays(1));
        var t = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        var key = new MetricKey("N", "Errors");
        store.Put(key, t.AddSeconds(10), 4);
        store.Put(key, t.AddSeconds(20), 3);
        store.Put(key, t.AddMinutes(2), 1);

        var periods = AlarmData.Read(store, MetricAlarmDefinition.Parse(Alarm), t, t.AddMinutes(3));

        Assert.Equal([7.0, null, 1.0], periods.Select(p => p?.Value));
    }
}
