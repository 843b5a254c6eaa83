// The dashboard's time range: relative to the twin's clock ("the last 3 hours", as the body's start "-PT3H" says)
// or absolute (from/to, in UTC). Pure logic: the picker and the URL use it.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type TimeRange =
  | { kind: 'relative'; durationMs: number }
  | { kind: 'absolute'; startMs: number; endMs: number };

/** The relative ranges the picker offers, shortest first; the twin keeps metrics for 3 hours. */
export const PRESETS: readonly { id: string; label: string; durationMs: number }[] = [
  { id: '5m', label: '5m', durationMs: 5 * MINUTE },
  { id: '15m', label: '15m', durationMs: 15 * MINUTE },
  { id: '1h', label: '1h', durationMs: HOUR },
  { id: '3h', label: '3h', durationMs: 3 * HOUR },
];

/**
 * An ISO 8601 duration ("PT3H", "-PT15M", "P1DT2H", "PT0.5S", "P2W") in ms, keeping its sign; null if it is not one.
 * Years and months have no fixed length, so they are refused rather than guessed.
 */
export function parseIsoDuration(text: string): number | null {
  const match = /^([+-])?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (!match) return null;
  const [, sign, weeks, days, hours, minutes, seconds] = match;
  if ([weeks, days, hours, minutes, seconds].every(part => part === undefined)) return null;
  // "P1DT" (a T with nothing after it) is not a valid duration.
  if (/T$/.test(text.trim())) return null;
  const amount = (part: string | undefined, unit: number) => (part === undefined ? 0 : Number(part) * unit);
  const ms = amount(weeks, 7 * DAY) + amount(days, DAY) + amount(hours, HOUR) + amount(minutes, MINUTE) + amount(seconds, SECOND);
  return sign === '-' ? -ms : ms;
}

/** The body's start/end as a range: start "-PT3H" is the last 3 hours; two ISO times are an absolute range. */
export function rangeFromBody(start: string | undefined, end: string | undefined, fallback: TimeRange): TimeRange {
  if (start === undefined) return fallback;
  const duration = parseIsoDuration(start);
  if (duration !== null) return duration === 0 ? fallback : { kind: 'relative', durationMs: Math.abs(duration) };
  const startMs = Date.parse(start);
  const endMs = end === undefined ? NaN : Date.parse(end);
  if (Number.isFinite(startMs) && Number.isFinite(endMs) && startMs < endMs) return { kind: 'absolute', startMs, endMs };
  return fallback;
}

/**
 * The range the dashboard opens on: the body's, unless the twin is younger than it, when the twin's age rounded up to
 * the next preset (5m, 15m, 1h, 3h) so that a fresh run fills the charts instead of a sliver at their right edge.
 */
export function firstOpenRange(bodyRange: TimeRange, ageMs: number): TimeRange {
  if (bodyRange.kind !== 'relative' || !Number.isFinite(ageMs) || ageMs < 0 || ageMs >= bodyRange.durationMs) return bodyRange;
  const preset = PRESETS.find(p => p.durationMs >= ageMs && p.durationMs < bodyRange.durationMs);
  return preset ? { kind: 'relative', durationMs: preset.durationMs } : bodyRange;
}

/** The range's bounds in ms, a relative range ending at the twin's now. */
export function resolveRange(range: TimeRange, nowMs: number): { startMs: number; endMs: number } {
  return range.kind === 'relative' ? { startMs: nowMs - range.durationMs, endMs: nowMs } : { startMs: range.startMs, endMs: range.endMs };
}

/** A short name for a relative range: "15m", "3h", "1d", "90m". */
export function durationLabel(durationMs: number): string {
  const preset = PRESETS.find(p => p.durationMs === durationMs);
  if (preset) return preset.label;
  if (durationMs % DAY === 0) return `${durationMs / DAY}d`;
  if (durationMs % HOUR === 0) return `${durationMs / HOUR}h`;
  if (durationMs % MINUTE === 0) return `${durationMs / MINUTE}m`;
  return `${Math.round(durationMs / SECOND)}s`;
}

/** A range from a "range=15m" URL value ("5m", "3h", "1d"; also an ISO duration); null if it is not one. */
export function parseRangeParam(value: string | null): TimeRange | null {
  if (!value) return null;
  const short = /^(\d+)([smhd])$/.exec(value);
  if (short) {
    const unit = { s: SECOND, m: MINUTE, h: HOUR, d: DAY }[short[2] as 's' | 'm' | 'h' | 'd'];
    const durationMs = Number(short[1]) * unit;
    return durationMs > 0 ? { kind: 'relative', durationMs } : null;
  }
  const duration = parseIsoDuration(value);
  return duration ? { kind: 'relative', durationMs: Math.abs(duration) } : null;
}

/** The URL query that stands for a range: range=15m, or from/to in UTC minutes. */
export function rangeToQuery(range: TimeRange): Record<string, string> {
  return range.kind === 'relative'
    ? { range: durationLabel(range.durationMs) }
    : { from: toUtcMinute(range.startMs), to: toUtcMinute(range.endMs) };
}

/** The range a URL query stands for, or null. */
export function rangeFromQuery(query: URLSearchParams): TimeRange | null {
  const from = fromUtcMinute(query.get('from') ?? '');
  const to = fromUtcMinute(query.get('to') ?? '');
  if (from !== null && to !== null && from < to) return { kind: 'absolute', startMs: from, endMs: to };
  return parseRangeParam(query.get('range'));
}

/** ms as a datetime-local value in UTC: "2026-11-26T14:05". */
export function toUtcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/** A datetime-local value ("2026-11-26T14:05", seconds optional) read as UTC; null if it is not one. */
export function fromUtcMinute(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const ms = Date.parse(`${value}Z`);
  return Number.isFinite(ms) ? ms : null;
}
