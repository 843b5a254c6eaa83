// Stacked areas: each series drawn on top of the ones before it, as CloudWatch's "stacked": true does.

/**
 * The running totals to draw: series i at each point is its own value plus the values below it. A missing value
 * (null) stays a gap in its own line, and adds nothing to the series above it.
 */
export function stackSeries(series: readonly (readonly (number | null)[])[]): (number | null)[][] {
  const length = Math.max(0, ...series.map(values => values.length));
  const base = new Array<number>(length).fill(0);
  return series.map(values =>
    Array.from({ length }, (_, index) => {
      const value = values[index];
      if (value === null || value === undefined || !Number.isFinite(value)) return null;
      base[index]! += value;
      return base[index]!;
    }),
  );
}

/** How many values are there to see: the non-null points across the given series. */
export function countPoints(series: readonly (readonly (number | null)[])[]): number {
  let count = 0;
  for (const values of series) for (const value of values) if (value !== null && Number.isFinite(value)) count++;
  return count;
}

/** The last non-null value of a series, and when: what a single-value widget shows. */
export function latestValue(timestampsMs: readonly number[], values: readonly (number | null)[]): { value: number; atMs: number } | null {
  for (let index = Math.min(values.length, timestampsMs.length) - 1; index >= 0; index--) {
    const value = values[index];
    if (value !== null && value !== undefined && Number.isFinite(value)) return { value, atMs: timestampsMs[index]! };
  }
  return null;
}
