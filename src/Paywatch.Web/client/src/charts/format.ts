// How numbers and times read on the dashboard: compact like CloudWatch's axes (1.2k, 3.4M), times in UTC.

const SUFFIXES: readonly [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];

/** A value for a label or a big number: "–" for none, at most 3 significant decimals, k/M/B/T past 10,000. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4) {
    const [divisor, suffix] = SUFFIXES.find(([d]) => magnitude >= d)!;
    return `${trim((value / divisor).toPrecision(3))}${suffix}`;
  }
  if (magnitude === 0) return '0';
  if (magnitude >= 1) return trim(value.toFixed(magnitude >= 100 ? 1 : 2));
  return trim(value.toPrecision(3));
}

const trim = (text: string) => (text.includes('.') && !/e/.test(text) ? text.replace(/\.?0+$/, '') : text);

const pad = (n: number) => String(n).padStart(2, '0');

/** "14:05" (UTC), with seconds when asked. */
export function formatUtcTime(ms: number, withSeconds = false): string {
  const date = new Date(ms);
  const minutes = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
  return withSeconds ? `${minutes}:${pad(date.getUTCSeconds())}` : minutes;
}

/** "2026-11-26 14:05:09 UTC". */
export function formatUtcDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 10)} ${formatUtcTime(ms, true)} UTC`;
}

/** How long ago, in words a glance can read: "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(thenMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** Time-axis labels, 24-hour UTC; over more than a day, the date ("11-26 00:00") joins the first label and each new day's. */
export function timeAxisLabels(splits: readonly number[]): string[] {
  const spansDays = splits.length > 1 && splits[splits.length - 1]! - splits[0]! > 24 * 3600_000;
  // Ticks closer than a minute (a short range) would read 15:40, 15:40, 15:41: they show their seconds.
  const withSeconds = splits.some(ms => ms % 60_000 !== 0);
  return splits.map((ms, index) => {
    const day = new Date(ms).toISOString().slice(5, 10);
    const previousDay = index > 0 ? new Date(splits[index - 1]!).toISOString().slice(5, 10) : null;
    const time = formatUtcTime(ms, withSeconds);
    return spansDays && day !== previousDay ? `${day} ${time}` : time;
  });
}
