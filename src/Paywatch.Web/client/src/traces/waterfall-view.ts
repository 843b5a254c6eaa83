// A trace's waterfall: one row per span, indented by depth, its bar placed on the trace's time axis, its duration at
// the end; choosing a span shows its tags underneath.
import type { TraceDetail, TraceSpan } from '../api';
import { h, replace } from '../dom';
import { formatDuration } from '../ui/time-format';
import { axisTicks, formatTick, layoutWaterfall, type WaterfallRow } from './waterfall-layout';

export function renderWaterfall(detail: TraceDetail, selectedSpanId: string | null): HTMLElement {
  const layout = layoutWaterfall(detail.spans);
  const ticks = axisTicks(layout.totalMs);
  const tagsPanel = h('div', { class: 'wf-tags', 'aria-live': 'polite' });
  const rowsById = new Map<string, HTMLElement>();

  const select = (row: WaterfallRow) => {
    for (const [id, element] of rowsById) element.setAttribute('aria-pressed', String(id === row.span.spanId));
    replace(tagsPanel, renderTags(row, layout.startMs));
  };

  const step = ticks.length > 1 ? ticks[1]! : layout.totalMs;
  const tickAt = (ms: number) => (layout.totalMs > 0 ? (100 * ms) / layout.totalMs : 0);
  const rows = layout.rows.map(row => {
    const element = h('button', { type: 'button', class: `wf-row${row.span.error ? ' is-error' : ''}`, 'aria-pressed': 'false', onclick: () => select(row) },
      h('span', { class: 'wf-name', style: `padding-left: ${row.depth * 1.1}rem`, title: row.span.name },
        row.span.error ? h('span', { class: 'wf-error-mark', title: 'This span failed', 'aria-label': 'error' }, '⚠') : null,
        row.span.name,
        row.orphan ? h('span', { class: 'muted small', title: `Its parent ${row.span.parentSpanId} is not in the trace` }, ' (parent missing)') : null),
      h('span', { class: 'wf-track' },
        h('span', {
          class: 'wf-bar', 'data-span-id': row.span.spanId,
          style: `left: ${(row.offset * 100).toFixed(4)}%; width: max(2px, ${(row.width * 100).toFixed(4)}%)`,
        })),
      h('span', { class: 'wf-duration num' }, formatDuration(row.span.durationMs)));
    rowsById.set(row.span.spanId, element);
    return element;
  });

  const errors = detail.spans.filter(span => span.error).length;
  const container = h('div', { class: 'wf' },
    h('p', { class: 'wf-summary muted' },
      `${detail.spans.length} spans over ${formatDuration(layout.totalMs)}`, errors > 0 ? `, ${errors} failed` : '', '. Choose a span to see its tags.'),
    h('div', { class: 'wf-table' },
      h('div', { class: 'wf-axis', 'aria-hidden': 'true' },
        h('span', {}),
        h('span', { class: 'wf-track' }, ...ticks.map(t => h('span', { class: 'wf-tick', style: `left: ${tickAt(t).toFixed(4)}%` }, formatTick(t, step)))),
        h('span', {})),
      h('div', { class: 'wf-gridlines', 'aria-hidden': 'true' }, ...ticks.map(t => h('span', { style: `left: ${tickAt(t).toFixed(4)}%` }))),
      ...rows),
    tagsPanel);

  const initial = layout.rows.find(r => r.span.spanId === selectedSpanId) ?? layout.rows[0];
  if (initial) select(initial);
  return container;
}

function renderTags(row: WaterfallRow, traceStartMs: number): HTMLElement {
  const span: TraceSpan = row.span;
  const facts: [string, string][] = [
    ['span id', span.spanId],
    ['parent', span.parentSpanId ?? '— (root)'],
    ['starts at', `+${formatDuration(span.startMs - traceStartMs)}`],
    ['duration', formatDuration(span.durationMs)],
    ['status', span.error ? 'error' : 'ok'],
    ...Object.entries(span.tags).sort(([a], [b]) => a.localeCompare(b)),
  ];
  return h('div', {},
    h('h4', {}, `${span.name} `, h('span', { class: 'muted' }, 'span')),
    h('dl', { class: 'wf-tag-list' }, ...facts.flatMap(([key, value]) => [h('dt', { class: 'mono' }, key), h('dd', { class: 'mono' }, value)])));
}
