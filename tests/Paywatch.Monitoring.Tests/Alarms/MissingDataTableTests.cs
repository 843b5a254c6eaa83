using Paywatch.Monitoring.Alarms;

namespace Paywatch.Monitoring.Tests.Alarms;

/// <summary>
/// Every row of the two tables in "Configuring how CloudWatch alarms treat missing data"
/// (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html): the five most recent
/// datapoints, oldest first (0 = not breaching, X = breaching, - = missing), and the state for each setting.
/// "retain" is AWS's "Retain current state".
/// </summary>
public sealed class MissingDataTableTests
{
    [Theory]
    // Datapoints to Alarm = 3, Evaluation Periods = 3.
    [InlineData("0 - X - X", 3, "OK", "OK", "OK", "OK")]
    [InlineData("0 - - - -", 3, "OK", "OK", "OK", "OK")]
    [InlineData("- - - - -", 3, "INSUFFICIENT_DATA", "retain", "ALARM", "OK")]
    [InlineData("0 X X - X", 3, "ALARM", "ALARM", "ALARM", "ALARM")]
    [InlineData("- - - - X", 3, "INSUFFICIENT_DATA", "retain", "ALARM", "OK")]
    [InlineData("X - - - -", 3, "ALARM", "retain", "ALARM", "OK")]
    // Datapoints to Alarm = 2, Evaluation Periods = 3 (2 out of 3).
    [InlineData("0 - X - X", 2, "ALARM", "ALARM", "ALARM", "ALARM")]
    [InlineData("0 0 X 0 X", 2, "ALARM", "ALARM", "ALARM", "ALARM")]
    [InlineData("0 - X - -", 2, "OK", "OK", "ALARM", "OK")]
    [InlineData("- - - - 0", 2, "OK", "OK", "ALARM", "OK")]
    [InlineData("- - - - X", 2, "INSUFFICIENT_DATA", "retain", "ALARM", "OK")]
    public void Each_row_of_AWS_missing_data_tables(string datapoints, int datapointsToAlarm, string missing, string ignore, string breaching, string notBreaching)
    {
        var range = datapoints.Split(' ').Select(d => d switch { "0" => 1.0, "X" => 10.0, _ => (double?)null }).ToList();
        var expected = new Dictionary<MissingDataTreatment, string>
        {
            [MissingDataTreatment.Missing] = missing,
            [MissingDataTreatment.Ignore] = ignore,
            [MissingDataTreatment.Breaching] = breaching,
            [MissingDataTreatment.NotBreaching] = notBreaching,
        };

        foreach (var (treatment, state) in expected)
        {
            foreach (var current in new[] { AlarmState.Ok, AlarmState.Alarm, AlarmState.InsufficientData })
            {
                var (actual, _) = AlarmEvaluation.Evaluate(range, v => v > 5, 3, datapointsToAlarm, treatment, current);
                var wanted = state == "retain" ? current : Parse(state);
                Assert.True(wanted == actual, $"{datapoints} M={datapointsToAlarm} {treatment} from {current}: expected {wanted}, got {actual}");
            }
        }
    }

    [Theory]
    // M out of N with no missing data: the breaching datapoints need not be consecutive ("Evaluating an alarm").
    [InlineData("X 0 X 0 X", 3, 5, "ALARM")]
    [InlineData("X 0 X 0 0", 3, 5, "OK")]
    [InlineData("0 0 X 0 X", 2, 3, "ALARM")]
    [InlineData("X X 0 0 X", 2, 3, "OK")]
    [InlineData("0 0 0 0 X", 1, 1, "ALARM")]
    [InlineData("0 0 0 X 0", 1, 1, "OK")]
    public void M_out_of_N(string datapoints, int m, int n, string expected)
    {
        // The range here is the last n + 2 periods; pad the oldest side with non-breaching data.
        var points = datapoints.Split(' ').Select(d => d == "X" ? 10.0 : (double?)1.0).ToList();
        var range = Enumerable.Repeat((double?)1.0, Math.Max(0, AlarmEvaluation.RangeLength(n) - points.Count)).Concat(points).ToList();

        var (state, evaluated) = AlarmEvaluation.Evaluate(range, v => v > 5, n, m, MissingDataTreatment.Missing, AlarmState.Ok);

        Assert.Equal(Parse(expected), state);
        Assert.Equal(n, evaluated.Count);
    }

    private static AlarmState Parse(string state) => state switch
    {
        "OK" => AlarmState.Ok,
        "ALARM" => AlarmState.Alarm,
        _ => AlarmState.InsufficientData,
    };
}
