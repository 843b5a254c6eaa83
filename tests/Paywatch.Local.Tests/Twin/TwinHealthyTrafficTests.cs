using System.Collections.Concurrent;
using Paywatch.Local.Notifications;
using Paywatch.Local.Streams;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;
using Paywatch.Traffic;

namespace Paywatch.Local.Tests.Twin;

/// <summary>
/// What an on-call engineer would receive from a healthy stream: `paywatch up --demo` traffic (the generator's default
/// mix, invalid and fraud-like records included) through a running twin on a stepped clock for 15 minutes.
/// </summary>
public sealed class TwinHealthyTrafficTests
{
    private const int PerSecond = 50;
    private const int AlertsPerWindow = 10;

    /// <summary>12:00:00, a tumbling window's start (windows are aligned to the epoch, every 300 s).</summary>
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Fifteen_healthy_minutes_keep_every_alarm_OK_and_alert_within_the_stream_s_budget_never_over_ten_a_second()
    {
        using var folder = new TemporaryDirectory();
        var clock = new SteppedClock(Noon);
        var subscription = new RecordingSubscription();
        var settings = new LocalTwinSettings { DataDirectory = folder.Path, Port = 0, AlertsPerWindow = AlertsPerWindow };
        await using var twin = await LocalTwin.StartAsync(settings, RepositoryRoot.Config, [subscription], clock.Time);
        // Latency is judged on this clock: every invocation ends before it moves, as the browser tests' twin does.
        clock.Settled = () => twin.Mapping.IsIdle;
        using var traffic = new TrafficGenerator(seed: 23, start: Noon).Generate(int.MaxValue).GetEnumerator();

        for (var second = 1; second <= 15 * 60; second++)
        {
            var entries = new List<PutRecordEntry>(PerSecond);
            while (entries.Count < PerSecond && traffic.MoveNext())
            {
                entries.Add(new PutRecordEntry(traffic.Current.PartitionKey, traffic.Current.Utf8Json));
            }

            Assert.All(await twin.Stream.PutRecordsAsync(entries), r => Assert.True(r.Succeeded, r.ErrorMessage));
            await clock.AdvanceToAsync(Noon.AddSeconds(second));
        }

        // The last window's summaries (12:15) and the alarms' evaluation of the last whole minute (12:15:00 and 12:16:00).
        await clock.AdvanceToAsync(Noon.AddMinutes(16).AddSeconds(5));

        Assert.DoesNotContain(twin.Alarms.RecentTransitions, t => t.NewState == AlarmState.Alarm);
        var alarms = twin.Alarms.DescribeAlarms();
        Assert.DoesNotContain(alarms, a => a.StateValue == AlarmState.Alarm);
        foreach (var name in new[] { "paywatch-latency-local", "paywatch-error-rate-local", "paywatch-processing-health-local" })
        {
            Assert.Equal(AlarmState.Ok, alarms.Single(a => a.AlarmName == name).StateValue);
        }

        // The latency alarm judged real waits: records waited out the 1 s batching window, every minute, and none 3 s.
        var latency = new MetricKey("Paywatch/Transactions", "ProcessingLatency", [new("Environment", "local")]);
        var maxima = twin.Metrics.GetStatistics(latency, Noon, Noon.AddMinutes(15), TimeSpan.FromMinutes(1), Statistic.Maximum);
        Assert.Equal(15, maxima.Count);
        Assert.All(maxima, m => Assert.True(m.Value is >= 1000 and <= 3000, $"{m.Timestamp:HH:mm} maximum latency {m.Value} ms"));

        var alerts = subscription.Delivered.Where(n => n.Origin is { } rule && rule.StartsWith("paywatch-", StringComparison.Ordinal)
            && !rule.EndsWith("-local", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(alerts);
        foreach (var window in alerts.Where(n => n.Origin != "paywatch-window-summary").GroupBy(n => (n.Timestamp - Noon).Ticks / TimeSpan.FromMinutes(5).Ticks))
        {
            Assert.True(window.Count() <= AlertsPerWindow, $"{window.Count()} alerts in window {window.Key}");
        }

        var busiest = alerts.GroupBy(n => n.Timestamp.ToUnixTimeSeconds()).Max(g => g.Count());
        Assert.True(busiest <= 10, $"{busiest} notifications in one second");
    }

    /// <summary>The alerts topic's subscriber: every notification delivered.</summary>
    private sealed class RecordingSubscription : ITopicSubscription
    {
        private readonly ConcurrentQueue<TopicNotification> _delivered = new();

        public IReadOnlyList<TopicNotification> Delivered => [.. _delivered];

        public string Protocol => "test";

        public Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken)
        {
            _delivered.Enqueue(notification);
            return Task.CompletedTask;
        }
    }
}
