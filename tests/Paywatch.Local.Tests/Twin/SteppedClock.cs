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
    private static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(5);

    public FakeTimeProvider Time { get; } = new(start);

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>
    /// When set, each step also waits (up to 5 s of real time) until this holds, so that no work the last step released
    /// spans the next: on a loaded machine the short pause alone let an invocation run across steps, and its records'
    /// latency on this clock grew by whole seconds. Only for twins whose invocations end on their own (a held or hanging
    /// function never settles, and costs the bound at every step).
    /// </summary>
    public Func<bool>? Settled { get; set; }

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

            if (Settled is { } settled && !await SettleAsync(settled, condition))
            {
                return;
            }

            Assert.True(Now < until, $"Not within {bound} of clock time: {what} (the clock is at {Now:HH:mm:ss}).");
            Time.Advance(Step);
        }
    }

    /// <summary>
    /// Stops <paramref name="twin"/> while moving the clock: a stop lets the invocations under way run to their end, for
    /// at most the function's timeout of clock time (docs/local-twin.md, "Stopping"), so a twin with a hung invocation
    /// stops only as its clock moves.
    /// </summary>
    public async Task StopAsync(IAsyncDisposable twin, TimeSpan bound)
    {
        var stopping = twin.DisposeAsync().AsTask();
        await AdvanceUntilAsync(() => stopping.IsCompleted, bound, "the twin stopping");
        await stopping;
    }

    /// <summary>Waits until <paramref name="settled"/> holds twice running, or the bound passes.</summary>
    /// <returns>False when <paramref name="condition"/> came true meanwhile (the caller is done).</returns>
    private static async Task<bool> SettleAsync(Func<bool> settled, Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        for (var idle = 0; idle < 2 && waited.Elapsed < SettleBound; idle = settled() ? idle + 1 : 0)
        {
            if (condition())
            {
                return false;
            }

            await Task.Delay(1);
        }

        return !condition();
    }
}
