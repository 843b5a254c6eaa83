using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Notifications;

namespace Paywatch.Local.Tests.Notifications;

public sealed class ConsoleSubscriptionTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _output = new();

    public void Dispose() => _output.Dispose();

    [Fact]
    public async Task A_few_notifications_a_second_are_a_line_each()
    {
        using var console = new ConsoleSubscription(_output, _time);

        for (var i = 0; i < 3; i++)
        {
            await console.DeliverAsync(Notification($"alert {i}", "paywatch-high-value"), CancellationToken.None);
            _time.Advance(TimeSpan.FromMilliseconds(400));
        }

        Assert.Equal(
            ["[12:00:00] paywatch-alerts-local: alert 0", "[12:00:00] paywatch-alerts-local: alert 1", "[12:00:00] paywatch-alerts-local: alert 2"],
            Lines());
    }

    [Fact]
    public async Task Past_five_a_second_the_console_counts_per_rule_and_alarm_and_shows_the_last_alert_once_a_second()
    {
        using var console = new ConsoleSubscription(_output, _time);

        for (var i = 0; i < 20; i++)
        {
            await console.DeliverAsync(Notification($"high {i}", i % 4 == 3 ? "paywatch-failed" : "paywatch-high-value"), CancellationToken.None);
        }

        await console.DeliverAsync(Notification("{\"AlarmName\":\"x\"}", "paywatch-error-rate-local", "ALARM: \"paywatch-error-rate-local\" in US East (N. Virginia)"), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));

        var lines = Lines();
        Assert.Equal(6, lines.Count);
        Assert.Equal(
            "[12:00:00] alerts in the last 1s: paywatch-high-value 11, paywatch-failed 4, paywatch-error-rate-local 1 | last: ALARM: \"paywatch-error-rate-local\" in US East (N. Virginia)",
            lines[^1]);

        // Still many in the next second: counts only.
        for (var i = 0; i < 3; i++)
        {
            await console.DeliverAsync(Notification($"more {i}", "paywatch-fraud"), CancellationToken.None);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("[12:00:01] alerts in the last 1s: paywatch-fraud 3 | last: more 2", Lines()[^1]);
        Assert.Equal(7, Lines().Count);

        // A quiet second, then a line each again.
        _time.Advance(TimeSpan.FromSeconds(1));
        await console.DeliverAsync(Notification("calm", "paywatch-fraud"), CancellationToken.None);
        Assert.Equal("[12:00:03] paywatch-alerts-local: calm", Lines()[^1]);
    }

    [Fact]
    public async Task Redirected_output_gets_a_summary_line_per_interval_and_no_terminal_control_codes()
    {
        using var console = new ConsoleSubscription(_output, _time, TimeSpan.FromSeconds(10));

        for (var second = 0; second < 10; second++)
        {
            for (var i = 0; i < 8; i++)
            {
                await console.DeliverAsync(Notification($"alert {second}-{i}", "paywatch-velocity"), CancellationToken.None);
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var lines = Lines();
        Assert.Equal(6, lines.Count);
        Assert.Equal("[12:00:09] alerts in the last 10s: paywatch-velocity 75 | last: alert 9-7", lines[^1]);
        Assert.DoesNotContain('\u001b', _output.ToString());
    }

    private List<string> Lines() => [.. _output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)];

    private TopicNotification Notification(string message, string origin, string? subject = null) =>
        new("id", "arn:aws:sns:us-east-1:000000000000:paywatch-alerts-local", subject, message, _time.GetUtcNow(), "1", "", "", "") { Origin = origin };
}
