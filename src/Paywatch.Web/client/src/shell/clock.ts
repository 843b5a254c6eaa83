// The twin's clock, as the browser can know it: the last status's "now" plus the time since that answer arrived.
// The browser's own clock is never used for ranges, since a test may run the twin on a simulated clock.

export class TwinClock {
  private twinMs = 0;
  private readAt = 0;

  /** Records the twin's "now" (ISO time) as read at the given monotonic time (performance.now()). */
  set(twinNow: string, readAt: number): void {
    const ms = Date.parse(twinNow);
    if (!Number.isFinite(ms)) return;
    this.twinMs = ms;
    this.readAt = readAt;
  }

  /** The twin's time at the given monotonic time. */
  nowMs(monotonicNow: number): number {
    return this.twinMs + Math.max(0, monotonicNow - this.readAt);
  }
}
