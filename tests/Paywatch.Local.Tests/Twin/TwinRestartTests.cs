using System.Text;
using Paywatch.Aws.Runtime;
using Paywatch.Local.Notifications;
using Paywatch.Local.Streams;
using Paywatch.Local.Telemetry;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Twin;

/// <summary>
/// The issue's restart test: what CloudWatch and X-Ray keep, the twin keeps across a restart on its data folder. A
/// metric (GetMetricStatistics, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html),
/// an alarm in ALARM with its history, and a trace are all there after the restart, reading the same as before it.
/// </summary>
public sealed class TwinRestartTests
{
    private const string ErrorRate = "paywatch-error-rate-local";
    private const string ProcessingHealth = "paywatch-processing-health-local";

    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static readonly MetricKey Errors = new("AWS/Lambda", "Errors", [new("FunctionName", "transaction-processor-local")]);

    private static readonly MetricKey Duration = new("AWS/Lambda", "Duration", [new("FunctionName", "transaction-processor-local")]);

    [Fact]
    public async Task A_metric_an_alarm_in_ALARM_with_its_history_and_a_trace_are_all_there_after_a_restart()
    {
        using var folder = new TemporaryDirectory();
        var clock = new SteppedClock(Noon);
        var settings = new LocalTwinSettings { DataDirectory = folder.Path, Port = 0 };
        var failing = true;
        var twin = await LocalTwin.StartAsync(settings, RepositoryRoot.Config, [], clock.Time, environment => new Switchable(environment, () => failing));
        try
        {
            // An error burst in three minutes turns the error rate, and Processing Health with it, to ALARM at 12:03.
            for (var minute = 0; minute < 3; minute++)
            {
                await clock.AdvanceToAsync(Noon.AddMinutes(minute).AddSeconds(10));
                var completed = twin.Mapping.RecordsCompleted + 10;
                await twin.Stream.PutRecordsAsync([.. Enumerable.Range(0, 10).Select(i => new PutRecordEntry($"card-{i}", Transaction($"txn-{minute}-{i}")))]);
                await clock.AdvanceUntilAsync(() => twin.Mapping.RecordsCompleted == completed, TimeSpan.FromSeconds(40), $"minute {minute}'s records failed");
            }

            await clock.AdvanceUntilAsync(() => State(twin, ProcessingHealth) == AlarmState.Alarm, TimeSpan.FromMinutes(3), "Processing Health in ALARM");

            // Then the function recovers, and a transaction goes through: its trace is in the trace store.
            failing = false;
            await twin.Stream.PutRecordsAsync([new PutRecordEntry("card-1", Transaction("txn-traced"))]);
            await clock.AdvanceUntilAsync(() => Traced(twin, "txn-traced").Count > 0, TimeSpan.FromSeconds(30), "the transaction traced");
        }
        finally
        {
            await clock.StopAsync(twin, TimeSpan.FromMinutes(2));
        }

        // Read once the twin has stopped: the stop's own last metrics are in, as they are in what it saved.
        var errors = twin.Metrics.GetStatistics(Errors, Noon, Noon.AddMinutes(10), TimeSpan.FromMinutes(1), Statistic.Sum);
        var p99 = twin.Metrics.GetStatistics(Duration, Noon, Noon.AddMinutes(10), TimeSpan.FromMinutes(5), Statistic.Parse("p99"));
        List<AlarmTransition> history = [.. twin.Alarms.RecentTransitions];
        List<SpanRecord> trace = [.. twin.Traces.Spans(traceId: Traced(twin, "txn-traced")[0].TraceId)];

        // The metric's three minutes of errors (ten records, each tried and bisected) are what the test checks against.
        Assert.Equal(3, errors.Count(e => e.Value >= 10));
        Assert.Contains(history, t => t.AlarmName == ErrorRate && t.NewState == AlarmState.Alarm);
        Assert.True(trace.Count > 1, "a trace of more than its root span");

        await using var restarted = await LocalTwin.StartAsync(settings, RepositoryRoot.Config, [], clock.Time);

        Assert.Empty(restarted.DataFolderReport.Lines);
        Assert.Equal(errors, restarted.Metrics.GetStatistics(Errors, Noon, Noon.AddMinutes(10), TimeSpan.FromMinutes(1), Statistic.Sum));
        Assert.Equal(p99, restarted.Metrics.GetStatistics(Duration, Noon, Noon.AddMinutes(10), TimeSpan.FromMinutes(5), Statistic.Parse("p99")));
        Assert.Equal(AlarmState.Alarm, State(restarted, ErrorRate));
        Assert.Equal(AlarmState.Alarm, State(restarted, ProcessingHealth));
        Assert.Equal(history.Select(Describe), restarted.Alarms.RecentTransitions.Take(history.Count).Select(Describe));
        Assert.Equal(trace, restarted.Traces.Spans(traceId: trace[0].TraceId), SpanComparer.Instance);
        Assert.Equal(0, restarted.Traces.Recorded);
    }

    private static AlarmState State(LocalTwin twin, string alarmName) => twin.Alarms.DescribeAlarms().Single(a => a.AlarmName == alarmName).StateValue;

    private static List<SpanRecord> Traced(LocalTwin twin, string transactionId) =>
        [.. twin.Traces.Spans().Where(s => s.Tags.Any(t => t.Value == transactionId))];

    private static string Describe(AlarmTransition t) => $"{t.AlarmName} {t.OldState}->{t.NewState} at {t.Timestamp:O}: {t.Reason} [{string.Join(",", t.Actions)}]";

    private static byte[] Transaction(string id) => Encoding.UTF8.GetBytes(
        $$"""{"transaction_id":"{{id}}","amount":42.5,"currency":"EUR","type":"PURCHASE","merchant_id":"m-1","merchant_country":"DE","card_id":"card_9"}""");

    /// <summary>The function as it is, or, while <c>failing</c> holds, an error burst: every invocation fails.</summary>
    private sealed class Switchable(ILambdaFunction function, Func<bool> failing) : ILambdaFunction
    {
        public ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken) =>
            failing() ? throw new InvalidOperationException("Injected fault: the function fails.") : function.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>Spans are equal when every field is: the tags compared pair by pair (a record compares the list by reference).</summary>
    private sealed class SpanComparer : IEqualityComparer<SpanRecord>
    {
        public static SpanComparer Instance { get; } = new();

        public bool Equals(SpanRecord? x, SpanRecord? y) =>
            x is not null && y is not null && x.Name == y.Name && x.TraceId == y.TraceId && x.SpanId == y.SpanId && x.ParentSpanId == y.ParentSpanId
            && x.Start == y.Start && x.Duration == y.Duration && x.IsError == y.IsError && x.Tags.SequenceEqual(y.Tags);

        public int GetHashCode(SpanRecord obj) => obj.SpanId.GetHashCode(StringComparison.Ordinal);
    }
}
