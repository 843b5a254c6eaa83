// Times as the pages show them. Everything is relative to the twin's clock (PageContext.nowMs), never the browser's:
// a test may run the twin on a simulated clock. Absolute times are shown in UTC, the zone the twin reports in.

/** "just now", "42 s ago", "5 min ago", "2 h 5 min ago", "3 d 4 h ago" (or "in ..." for a time ahead of now). */
export function formatRelative(thenMs: number, nowMs: number): string {
  const seconds = Math.round((nowMs - thenMs) / 1000);
  const magnitude = Math.abs(seconds);
  if (magnitude < 5) return 'just now';
  const text = formatSpan(magnitude);
  return seconds < 0 ? `in ${text}` : `${text} ago`;
}

function formatSpan(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
}

/** "14:03:07" when the time is on the same UTC day as now, else "2026-11-25 14:03:07". */
export function formatTimestamp(thenMs: number, nowMs: number): string {
  if (!Number.isFinite(thenMs)) return '—';
  const iso = new Date(thenMs).toISOString();
  const sameDay = Number.isFinite(nowMs) && iso.slice(0, 10) === new Date(nowMs).toISOString().slice(0, 10);
  return sameDay ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A duration with the precision that matters at its size: "0.042 ms", "3.14 ms", "42.1 ms", "421 ms", "1.25 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${trim(ms.toFixed(3))} ms`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 1000)} s`;
}

// "0.040" reads as more precise than it is; "0.04" says the same.
function trim(fixed: string): string {
  return fixed.replace(/0+$/, '').replace(/\.$/, '');
}
