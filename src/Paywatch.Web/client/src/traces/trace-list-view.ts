// A row of the trace list: one transaction's trace. It is a link to the trace's waterfall.
import type { TraceSummary } from '../api';
import { h } from '../dom';
import { clockTime, relativeTime } from '../ui/data-view';
import { formatDuration } from '../ui/time-format';

export const traceColumns = '12rem minmax(9rem, 14rem) 7rem 8rem minmax(8rem, 1fr) 5.5rem minmax(7rem, 11rem)';

function traceHref(trace: Pick<TraceSummary, 'traceId' | 'spanId'>): string {
  return `#/traces/${encodeURIComponent(trace.traceId)}/${encodeURIComponent(trace.spanId)}`;
}

export function renderTraceHeader(): HTMLElement {
  return h('div', { class: 'pw-row pw-head', role: 'row' },
    ...['Time (UTC)', 'Transaction', 'Type', 'Status', 'Rules', 'Duration', 'Error code'].map(t => h('span', { role: 'columnheader' }, t)));
}

export function renderTraceRow(trace: TraceSummary, nowMs: number, open: (href: string) => void): HTMLElement {
  const href = traceHref(trace);
  return h('a', {
    class: `pw-row pw-item trace-row status-${trace.status}`, role: 'row', href, 'data-trace-id': trace.traceId, 'data-root-span-id': trace.spanId,
    onclick: (event: Event) => { event.preventDefault(); open(href); },
  },
    h('span', {}, clockTime(trace.start, nowMs), ' ', h('span', { class: 'muted small' }, relativeTime(trace.start, nowMs))),
    h('span', { class: 'mono cell-clip', title: trace.transactionId ?? '' }, trace.transactionId ?? '—'),
    h('span', {}, trace.transactionType ?? '—'),
    h('span', {}, h('span', { class: `badge ${trace.status === 'error' ? 'alarm' : 'ok'}` }, trace.status),
      trace.transactionStatus ? h('span', { class: 'muted small' }, ` ${trace.transactionStatus}`) : null),
    h('span', { class: 'trace-rules' }, ...(trace.rules.length > 0 ? trace.rules.map(r => h('span', { class: 'chip' }, r)) : ['—'])),
    h('span', { class: 'num' }, formatDuration(trace.durationMs)),
    h('span', { class: 'mono cell-clip' }, trace.errorCode ?? '—'));
}
