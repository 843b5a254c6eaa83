using Microsoft.Extensions.Time.Testing;

namespace Paywatch.Local.Tests.Twin;

/// <summary>
/// A fake clock for a running twin. Everything in the twin that waits does so on this clock (the mapping's batching
/// window and throttle backoff, the function's timeout, the alarm scheduler's minute timer, the DLQ's gauges), but the
/// work a wait releases runs in real time, on the thread pool and the stream's flusher threads. So the clock moves one
/// second at a time, with a short real pause before each step for that work to catch up: minutes of alarm evaluation
/// pass in a few real seconds, and no batch is held back by more than a second of clock time.
/// </summary>
internal sealed class SteppedClock(DateTimeOffset start)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(5);

    public FakeTimeProvider Time { get; } = new(start);

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Moves the clock to <paramref name="at"/>, a step at a time.</summary>
    public Task AdvanceToAsync(DateTimeOffset at) => AdvanceUntilAsync(() => Now >= at, at - Now + Step, $"the clock reaching {at:HH:mm:ss}");

    /// <summary>
    /// Moves the clock a step at a time until <paramref name="condition"/> holds; fails when <paramref name="bound"/> of
    /// clock time has passed without it.
    /// </summary>
    public async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan bound, string what)
    {
        var until = Now + bound;
        while (true)
        {
            await Task.Delay(Pause);
            if (condition())
            {
                return;
            }

            Assert.True(Now < until, $"Not within {bound} of clock time: {what} (the clock is at {Now:HH:mm:ss}).");
            Time.Advance(Step);
        }
    }
}
