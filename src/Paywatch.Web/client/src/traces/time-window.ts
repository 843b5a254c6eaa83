// The service map's time window: the last N minutes of the twin's clock (never the browser's).
export interface TimeWindow {
  id: string;
  label: string;
  ms: number;
}

export const timeWindows: readonly TimeWindow[] = [
  { id: '5m', label: '5 min', ms: 5 * 60_000 },
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 h', ms: 3600_000 },
  { id: '3h', label: '3 h', ms: 3 * 3600_000 },
];

export const defaultWindowId = '15m';

export function findWindow(id: string): TimeWindow {
  return timeWindows.find(w => w.id === id) ?? timeWindows.find(w => w.id === defaultWindowId)!;
}

/** The window ending at the twin's now, as the API's start and end (ISO 8601, UTC). */
export function windowRange(id: string, nowMs: number): { start: string; end: string } {
  const window = findWindow(id);
  return { start: new Date(nowMs - window.ms).toISOString(), end: new Date(nowMs).toISOString() };
}
