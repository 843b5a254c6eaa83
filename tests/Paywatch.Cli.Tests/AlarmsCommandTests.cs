using System.Text.Json;

namespace Paywatch.Cli.Tests;

public sealed class AlarmsCommandTests
{
    private static readonly string LatencyAlarm = Path.Combine(AppContext.BaseDirectory, "config", "alarms", "latency.json");

    [Fact]
    public async Task Replay_of_csv_prints_one_evaluation_per_period()
    {
        // The shipped latency alarm: p99 > 1000 ms in 3 of 5 one-minute periods, missing data not breaching.
        var data = WriteTemp("""
            timestamp,value
            2026-11-26T08:00:00Z,200
            2026-11-26T08:01:00Z,1500
            2026-11-26T08:02:00Z,1800
            2026-11-26T08:03:00Z,
            2026-11-26T08:04:00Z,2500
            2026-11-26T08:05:00Z,100
            """);
        try
        {
            var result = await CliRunner.RunAsync("", "alarms", "replay", "--alarm", LatencyAlarm, "--data", data, "--var", "environment=prod", "--var", "alerts_topic_arn=arn:aws:sns:us-east-1:111122223333:alerts");

            Assert.Equal(0, result.ExitCode);
            var lines = result.JsonLines;
            Assert.Equal(["2026-11-26T08:00:00Z", "2026-11-26T08:01:00Z", "2026-11-26T08:02:00Z", "2026-11-26T08:03:00Z", "2026-11-26T08:04:00Z", "2026-11-26T08:05:00Z"],
                lines.Select(l => l.GetProperty("timestamp").GetString()));
            // Fewer than 5 real datapoints: the rest are filled as not breaching. 08:02: 1500, 1800 breach (2 < 3) → OK;
            // 08:04: 1500, 1800, 2500 → ALARM; 08:05: five real datapoints, three breaching → still ALARM.
            Assert.Equal(["OK", "OK", "OK", "OK", "ALARM", "ALARM"], lines.Select(l => l.GetProperty("state").GetString()));
            Assert.StartsWith("Threshold Crossed: 3 out of the last 4 datapoints", lines[4].GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.EndsWith("1 missing datapoint was treated as [NonBreaching].", lines[4].GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(data);
        }
    }

    [Fact]
    public async Task Replay_of_emf_uses_the_alarms_statistic()
    {
        static string Emf(long ms, string latencies) =>
            $$"""{"_aws":{"Timestamp":{{ms}},"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"Latency"}]}]},"Latency":[{{latencies}}]}""";
        var alarm = WriteTemp("""
            {"AlarmName": "max-latency", "Namespace": "N", "MetricName": "Latency", "Statistic": "Maximum", "Period": 60,
             "EvaluationPeriods": 1, "Threshold": 100, "ComparisonOperator": "GreaterThanThreshold"}
            """);
        var t = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var data = WriteTemp(string.Join('\n', Emf(t, "5,7"), Emf(t + 30_000, "150"), Emf(t + 120_000, "9")));
        try
        {
            var lines = (await CliRunner.RunAsync("", "alarms", "replay", "--alarm", alarm, "--data", data)).JsonLines;

            // Minute 0: max 150 → ALARM. Minute 1 has no data, but the evaluation range still holds minute 0's real
            // datapoint, and one is enough for one evaluation period: CloudWatch evaluates it again → ALARM.
            // Minute 2: 9 → OK.
            Assert.Equal(["ALARM", "ALARM", "OK"], lines.Select(l => l.GetProperty("state").GetString()));
        }
        finally
        {
            File.Delete(alarm);
            File.Delete(data);
        }
    }

    [Theory]
    [InlineData("--initial-state", "PENDING", "--initial-state must be OK, ALARM or INSUFFICIENT_DATA.")]
    [InlineData("--var", "function_name=f", "No value for the placeholder ${environment}.")]
    public async Task Bad_input_exits_2_with_the_reason(string option, string value, string message)
    {
        var data = WriteTemp("1795000000,1");
        try
        {
            var result = await CliRunner.RunAsync("", "alarms", "replay", "--alarm", LatencyAlarm, "--data", data, option, value);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(data);
        }
    }

    private static string WriteTemp(string content)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, content);
        return path;
    }
}
