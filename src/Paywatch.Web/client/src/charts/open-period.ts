// The period still open: CloudWatch aggregates a metric over each period, so the current one holds only the seconds
// that have passed. Drawn like the others it reads as a drop in traffic; the chart draws it dashed instead, joined
// to the last closed value, and says so in its legend.

/** The index of the first period still open at nowMs (its start plus the period is after now); the length if none is. */
export function firstOpenIndex(timestampsMs: readonly number[], periodMs: number, nowMs: number): number {
  const index = timestampsMs.findIndex(t => t + periodMs > nowMs);
  return index < 0 ? timestampsMs.length : index;
}

/**
 * A series split at openFrom: the closed periods (the open ones null), and the open tail (only the open periods and
 * the last closed value before them, so that the dashed line continues the solid one).
 */
export function splitAtOpenPeriod(values: readonly (number | null)[], openFrom: number): { closed: (number | null)[]; open: (number | null)[] } {
  const closed = values.map((v, i) => (i < openFrom ? v : null));
  const open: (number | null)[] = values.map((v, i) => (i >= openFrom ? v : null));
  if (open.some(v => v !== null)) {
    for (let i = Math.min(openFrom, values.length) - 1; i >= 0; i--) {
      if (values[i] !== null && values[i] !== undefined) {
        open[i] = values[i]!;
        break;
      }
    }
  }
  return { closed, open };
}
