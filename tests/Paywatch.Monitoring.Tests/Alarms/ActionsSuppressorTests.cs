using Paywatch.Monitoring.Alarms;

namespace Paywatch.Monitoring.Tests.Alarms;

/// <summary>
/// Action suppression timing, following the timelines of the user guide's "Suppressing composite alarm actions":
/// WaitPeriod runs from the composite's change and ends early when the suppressor goes into ALARM; ExtensionPeriod
/// runs from the suppressor leaving ALARM.
/// </summary>
public sealed class ActionsSuppressorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ActionsSuppressor Suppressor = new(waitPeriod: TimeSpan.FromSeconds(60), extensionPeriod: TimeSpan.FromSeconds(120));

    private static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds);

    [Theory]
    // Suppressor never leaves OK: suppressed for the 60 s WaitPeriod, then the actions run.
    [InlineData(0, ActionsSuppressedBy.WaitPeriod)]
    [InlineData(59, ActionsSuppressedBy.WaitPeriod)]
    [InlineData(60, ActionsSuppressedBy.None)]
    [InlineData(600, ActionsSuppressedBy.None)]
    public void Without_a_suppressor_alarm_actions_wait_only_for_the_wait_period(int seconds, ActionsSuppressedBy expected)
    {
        AlarmStateChange[] history = [new(At(-300), AlarmState.Ok)];

        Assert.Equal(expected, Suppressor.SuppressedBy(history, compositeChangedAt: T0, at: At(seconds)));
    }

    [Theory]
    // Composite changes at 0; suppressor goes into ALARM at 30 (within the WaitPeriod), back to OK at 200.
    [InlineData(10, ActionsSuppressedBy.WaitPeriod)]
    [InlineData(30, ActionsSuppressedBy.Alarm)]
    [InlineData(100, ActionsSuppressedBy.Alarm)]
    [InlineData(200, ActionsSuppressedBy.ExtensionPeriod)]
    [InlineData(319, ActionsSuppressedBy.ExtensionPeriod)]
    [InlineData(320, ActionsSuppressedBy.None)]
    public void A_suppressor_entering_alarm_during_the_wait_period_suppresses_until_its_extension_period_ends(int seconds, ActionsSuppressedBy expected)
    {
        AlarmStateChange[] history = [new(At(-300), AlarmState.Ok), new(At(30), AlarmState.Alarm), new(At(200), AlarmState.Ok)];

        Assert.Equal(expected, Suppressor.SuppressedBy(history, compositeChangedAt: T0, at: At(seconds)));
    }

    [Theory]
    // Suppressor already in ALARM when the composite changes; it leaves ALARM at 20, within the WaitPeriod.
    // The wait is over (it was in ALARM), so only the ExtensionPeriod, to 140, holds the actions back.
    [InlineData(0, ActionsSuppressedBy.Alarm)]
    [InlineData(20, ActionsSuppressedBy.ExtensionPeriod)]
    [InlineData(139, ActionsSuppressedBy.ExtensionPeriod)]
    [InlineData(140, ActionsSuppressedBy.None)]
    public void A_suppressor_already_in_alarm_suppresses_from_the_start(int seconds, ActionsSuppressedBy expected)
    {
        AlarmStateChange[] history = [new(At(-100), AlarmState.Alarm), new(At(20), AlarmState.Ok)];

        Assert.Equal(expected, Suppressor.SuppressedBy(history, compositeChangedAt: T0, at: At(seconds)));
    }

    [Theory]
    // Suppressor left ALARM at -100, so its ExtensionPeriod lasts to 20; then the WaitPeriod (to 60) still applies.
    [InlineData(0, ActionsSuppressedBy.ExtensionPeriod)]
    [InlineData(20, ActionsSuppressedBy.WaitPeriod)]
    [InlineData(60, ActionsSuppressedBy.None)]
    public void A_composite_changing_inside_an_extension_period_is_suppressed_by_it(int seconds, ActionsSuppressedBy expected)
    {
        AlarmStateChange[] history = [new(At(-500), AlarmState.Alarm), new(At(-100), AlarmState.InsufficientData)];

        Assert.Equal(expected, Suppressor.SuppressedBy(history, compositeChangedAt: T0, at: At(seconds)));
    }

    [Fact]
    public void Changes_after_the_moment_asked_about_do_not_count()
    {
        AlarmStateChange[] history = [new(At(500), AlarmState.Alarm)];

        Assert.Equal(ActionsSuppressedBy.None, Suppressor.SuppressedBy(history, compositeChangedAt: T0, at: At(100)));
    }

    [Fact]
    public void An_empty_history_means_the_suppressor_is_not_in_alarm()
    {
        Assert.Equal(ActionsSuppressedBy.WaitPeriod, Suppressor.SuppressedBy([], T0, At(1)));
        Assert.Equal(ActionsSuppressedBy.None, Suppressor.SuppressedBy([], T0, At(60)));
    }

    [Fact]
    public void History_out_of_order_is_rejected()
    {
        AlarmStateChange[] history = [new(At(10), AlarmState.Alarm), new(At(5), AlarmState.Ok)];

        Assert.Throws<ArgumentException>(() => Suppressor.SuppressedBy(history, T0, At(20)));
    }
}
