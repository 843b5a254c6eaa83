// Where each span of a trace sits in the waterfall: rows in tree order (a parent, then its children by start), each
// indented by its depth and placed as fractions of the trace's whole time range, so the view only scales them.
import type { TraceSpan } from '../api';

export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  /** The bar's start and length as fractions (0..1) of the trace's range. */
  offset: number;
  width: number;
  /** The span names a parent that is not in the trace (outside the stored window, dropped): shown as a root. */
  orphan: boolean;
}

export interface WaterfallLayout {
  rows: WaterfallRow[];
  startMs: number;
  totalMs: number;
}

export function layoutWaterfall(spans: readonly TraceSpan[]): WaterfallLayout {
  if (spans.length === 0) return { rows: [], startMs: 0, totalMs: 0 };
  const startMs = Math.min(...spans.map(s => s.startMs));
  const endMs = Math.max(...spans.map(s => s.startMs + Math.max(0, s.durationMs)));
  const totalMs = endMs - startMs;

  const byId = new Map(spans.map(s => [s.spanId, s] as const));
  const children = new Map<string, TraceSpan[]>();
  const roots: TraceSpan[] = [];
  for (const span of spans) {
    const parent = span.parentSpanId;
    if (parent !== null && parent !== span.spanId && byId.has(parent)) {
      const siblings = children.get(parent) ?? [];
      siblings.push(span);
      children.set(parent, siblings);
    } else {
      roots.push(span);
    }
  }
  const byStart = (a: TraceSpan, b: TraceSpan) => a.startMs - b.startMs;

  const rows: WaterfallRow[] = [];
  const placed = new Set<string>();
  const place = (span: TraceSpan, depth: number) => {
    if (placed.has(span.spanId)) return;
    placed.add(span.spanId);
    const orphan = depth === 0 && span.parentSpanId !== null && !byId.has(span.parentSpanId);
    rows.push({
      span,
      depth,
      offset: totalMs > 0 ? (span.startMs - startMs) / totalMs : 0,
      width: totalMs > 0 ? Math.max(0, span.durationMs) / totalMs : 1,
      orphan,
    });
    for (const child of (children.get(span.spanId) ?? []).sort(byStart)) place(child, depth + 1);
  };
  for (const root of roots.sort(byStart)) place(root, 0);
  // Spans in a parent cycle have no root to reach them from: list them at the top level rather than lose them.
  for (const span of [...spans].sort(byStart)) place(span, 0);
  return { rows, startMs, totalMs };
}

/** Tick positions for a time axis over [0, totalMs]: round steps (1, 2 or 5 times a power of ten), at most maxTicks + 1. */
export function axisTicks(totalMs: number, maxTicks = 6): number[] {
  if (!(totalMs > 0)) return [0];
  const rough = totalMs / maxTicks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  // Rounded so that 0.1 + 0.2 does not print as 0.30000000000000004.
  for (let i = 0; i * step <= totalMs * (1 + 1e-9); i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** A tick's label with the precision of the axis's step: "0 ms", "5 ms", "0.25 ms", "1.5 s". */
export function formatTick(ms: number, stepMs: number): string {
  const inSeconds = stepMs >= 1000;
  const value = inSeconds ? ms / 1000 : ms;
  const step = inSeconds ? stepMs / 1000 : stepMs;
  if (value === 0) return `0 ${inSeconds ? 's' : 'ms'}`;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return `${value.toFixed(decimals)} ${inSeconds ? 's' : 'ms'}`;
}
