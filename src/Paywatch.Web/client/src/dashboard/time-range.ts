// The dashboard's time range: relative to the twin's clock ("the last 3 hours", as the body's start "-PT3H" says),
// absolute (from/to, in UTC), or the run (since the twin started, while that is shorter than the body's range).
// Pure logic: the picker and the URL use it.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type TimeRange =
  | { kind: 'relative'; durationMs: number }
  | { kind: 'absolute'; startMs: number; endMs: number }
  /** From the start of the minute the twin started in to now, at most capMs long (then it is the last capMs). */
  | { kind: 'run'; startedMs: number; capMs: number };

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
 * The range the dashboard opens on: the body's, unless the twin is younger than it, when the run itself (since the
 * minute it started), so that a fresh run fills the charts instead of a sliver at their right edge. The run's range
 * grows with it and becomes the body's once the twin is as old.
 */
export function firstOpenRange(bodyRange: TimeRange, run: TimeRange | null, nowMs: number): TimeRange {
  if (run?.kind !== 'run' || bodyRange.kind !== 'relative') return bodyRange;
  const ageMs = nowMs - run.startedMs;
  return Number.isFinite(ageMs) && ageMs >= 0 && ageMs < bodyRange.durationMs ? run : bodyRange;
}

/** The run's range for a twin started at startedMs (its clock), no longer than the body's relative range; null if either is unknown. */
export function runRange(startedMs: number, bodyRange: TimeRange): TimeRange | null {
  return Number.isFinite(startedMs) && bodyRange.kind === 'relative' ? { kind: 'run', startedMs, capMs: bodyRange.durationMs } : null;
}

/**
 * The range's bounds in ms, a relative range ending at the twin's now. The run's starts on the minute it started in
 * (where its first one-minute period starts, so that period is drawn) and is at least a minute long.
 */
export function resolveRange(range: TimeRange, nowMs: number): { startMs: number; endMs: number } {
  switch (range.kind) {
    case 'relative':
      return { startMs: nowMs - range.durationMs, endMs: nowMs };
    case 'absolute':
      return { startMs: range.startMs, endMs: range.endMs };
    case 'run': {
      const startMs = Math.max(Math.floor(range.startedMs / MINUTE) * MINUTE, nowMs - range.capMs);
      return { startMs, endMs: Math.max(nowMs, startMs + MINUTE) };
    }
  }
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

/** The URL query that stands for a range: range=15m, range=run, or from/to in UTC minutes. */
export function rangeToQuery(range: TimeRange): Record<string, string> {
  switch (range.kind) {
    case 'relative': return { range: durationLabel(range.durationMs) };
    case 'absolute': return { from: toUtcMinute(range.startMs), to: toUtcMinute(range.endMs) };
    case 'run': return { range: 'run' };
  }
}

/** The range a URL query stands for, or null; range=run is the run's range, when it is known. */
export function rangeFromQuery(query: URLSearchParams, run: TimeRange | null = null): TimeRange | null {
  const from = fromUtcMinute(query.get('from') ?? '');
  const to = fromUtcMinute(query.get('to') ?? '');
  if (from !== null && to !== null && from < to) return { kind: 'absolute', startMs: from, endMs: to };
  if (query.get('range') === 'run') return run;
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
