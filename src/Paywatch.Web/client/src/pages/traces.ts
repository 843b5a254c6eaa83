// The Traces page: the service map over a time window, the latest transaction traces in it (filterable), and, at
// #/traces/<traceId>/<spanId>, that trace's waterfall. The map and the list refresh live; an open waterfall does not
// (a trace does not change once written, and a moving view would be hard to read).
import { getServiceMap, getTrace, getTraces, type ServiceMap, type TraceFilter, type TraceSummary } from '../api';
import type { Page, PageContext } from '../page';
import { h, replace } from '../dom';
import { createDataView, refreshRelativeTimes, startPolling, syncList, trafficHint } from '../ui/data-view';
import { renderServiceMap } from '../traces/service-map-view';
import { renderTraceHeader, renderTraceRow, traceColumns } from '../traces/trace-list-view';
import { renderWaterfall } from '../traces/waterfall-view';
import { defaultWindowId, findWindow, timeWindows, windowRange } from '../traces/time-window';
import '../ui/data-view.css';
import '../traces/traces.css';

// The shell mounts the page again when the route changes (opening a trace); the choices survive that.
const remembered = { windowId: defaultWindowId, status: '', type: '', rule: '', limit: 50 };
// The last answers, drawn at once when the page mounts again, so opening a trace does not blank the map and list.
const lastRead: { map: ServiceMap | null; traces: { traces: TraceSummary[]; types: string[]; rules: string[] } | null } = { map: null, traces: null };

export const tracesPage: Page = {
  id: 'traces',
  title: 'Traces',
  mount(root, context) {
    // The shell decodes the route's params.
    const [traceId, spanId] = context.params;
    const list = mountTraceList(context, traceId ?? null, spanId ?? null);
    const map = mountServiceMap(context, list.refresh);
    const waterfall = traceId ? mountWaterfall(context, traceId, spanId ?? '') : null;
    replace(root, h('div', { class: 'pw-page traces-page' }, map.element, list.element, waterfall?.element));
    if (waterfall) waterfall.element.scrollIntoView({ block: 'start' });
    return () => {
      map.stop();
      list.stop();
    };
  },
};

/** @param windowChanged called when the user picks another window (the list follows it). */
function mountServiceMap(context: PageContext, windowChanged: () => void) {
  const view = createDataView({ id: 'service-map', class: 'service-map-view' }, context.nowMs);
  const windowButtons = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time window' });
  const caption = h('span', { class: 'muted small' });
  const drawWindowButtons = () => replace(windowButtons, ...timeWindows.map(w => h('button', {
    type: 'button', 'data-window': w.id, 'aria-pressed': String(w.id === remembered.windowId),
    onclick: () => { remembered.windowId = w.id; drawWindowButtons(); polling.now(); windowChanged(); },
  }, w.label)));
  drawWindowButtons();

  const show = (map: ServiceMap) => {
    replace(caption, `${map.start.slice(11, 19)}–${map.end.slice(11, 19)} UTC (twin time)`);
    if (map.nodes.every(n => n.requests === 0)) view.empty(`No traffic in the last ${findWindow(remembered.windowId).label} — `, ...trafficHint(), '.');
    else view.ready(renderServiceMap(map));
  };
  if (lastRead.map) show(lastRead.map);

  const polling = startPolling(async isCurrent => {
    view.loading();
    const range = windowRange(remembered.windowId, context.nowMs());
    try {
      const map = await getServiceMap(range.start, range.end);
      if (!isCurrent()) return;
      lastRead.map = map;
      show(map);
    } catch (error) {
      if (isCurrent()) view.fail(error);
    }
  }, context.refreshSeconds);

  const element = h('section', { class: 'traces-map-section' },
    h('div', { class: 'toolbar' }, h('h2', {}, 'Service map'), h('label', {}, 'Window ', windowButtons), caption),
    view.root);
  return { element, stop: polling.stop };
}

function mountTraceList(context: PageContext, openTraceId: string | null, openSpanId: string | null) {
  const view = createDataView({ id: 'trace-list', class: 'trace-list-view' }, context.nowMs);
  const rows = h('div', { class: 'trace-rows', role: 'rowgroup' });
  const table = h('div', { class: 'pw-list trace-table', role: 'table', style: `--columns: ${traceColumns}` }, renderTraceHeader(), rows);

  const select = (label: string, key: 'status' | 'type' | 'rule' | 'limit', options: [string, string][]) => {
    const element = h('select', { 'data-filter': key, onchange: () => {
      const value = element.value;
      if (key === 'limit') remembered.limit = Number(value);
      else remembered[key] = value;
      polling.now();
    } });
    setOptions(element, options, String(remembered[key]));
    return { element, label: h('label', {}, label, element) };
  };
  const status = select('Status', 'status', [['', 'All'], ['ok', 'OK'], ['error', 'Error']]);
  const type = select('Type', 'type', [['', 'All types']]);
  const rule = select('Rule', 'rule', [['', 'All rules']]);
  const limit = select('Show', 'limit', [20, 50, 100, 200].map(n => [String(n), `latest ${n}`]));

  const show = (response: NonNullable<typeof lastRead.traces>) => {
    // The option lists come from the twin; a filter chosen before stays listed even if no trace has it any more.
    setOptions(type.element, [['', 'All types'], ...withChosen(response.types, remembered.type).map(t => [t, t] as [string, string])], remembered.type);
    setOptions(rule.element, [['', 'All rules'], ...withChosen(response.rules, remembered.rule).map(r => [r, r] as [string, string])], remembered.rule);
    if (response.traces.length === 0) {
      const filtered = remembered.status || remembered.type || remembered.rule;
      if (filtered) view.empty('No trace in this window matches these filters — widen them, or wait for more traffic.');
      else view.empty(`No transactions traced in the last ${findWindow(remembered.windowId).label} — `, ...trafficHint(), '.');
      return;
    }
    const nowMs = context.nowMs();
    syncList(rows, response.traces, t => `${t.traceId}/${t.spanId}`, t => renderTraceRow(t, nowMs, context.navigate));
    for (const row of Array.from(rows.children) as HTMLElement[]) {
      const open = row.dataset['traceId'] === openTraceId && row.dataset['rootSpanId'] === openSpanId;
      row.classList.toggle('selected', open);
      if (open) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
    }
    refreshRelativeTimes(rows, nowMs);
    view.ready(table);
  };
  if (lastRead.traces) show(lastRead.traces);

  const polling = startPolling(async isCurrent => {
    view.loading();
    const range = windowRange(remembered.windowId, context.nowMs());
    const filter: TraceFilter = { start: range.start, end: range.end, limit: remembered.limit };
    if (remembered.status === 'ok' || remembered.status === 'error') filter.status = remembered.status;
    if (remembered.type) filter.type = remembered.type;
    if (remembered.rule) filter.rule = remembered.rule;
    try {
      const response = await getTraces(filter);
      if (!isCurrent()) return;
      lastRead.traces = response;
      show(response);
    } catch (error) {
      if (isCurrent()) view.fail(error);
    }
  }, context.refreshSeconds);

  const element = h('section', { class: 'traces-list-section' },
    h('div', { class: 'toolbar' }, h('h2', {}, 'Traces'), status.label, type.label, rule.label, limit.label),
    view.root);
  return { element, stop: polling.stop, refresh: polling.now };
}

function mountWaterfall(context: PageContext, traceId: string, spanId: string) {
  const view = createDataView({ id: 'waterfall', class: 'waterfall-view' }, context.nowMs);
  view.loading();
  getTrace(traceId, spanId).then(detail => {
    if (detail.spans.length === 0) view.empty('This trace has no spans left — the twin keeps the most recent spans only; choose a newer trace.');
    else view.ready(renderWaterfall(detail, spanId));
  }, error => view.fail(error));

  const element = h('section', { class: 'traces-waterfall-section' },
    h('div', { class: 'toolbar' },
      h('h2', {}, 'Trace ', h('span', { class: 'mono' }, traceId)),
      h('button', { type: 'button', class: 'wf-close', onclick: () => context.navigate('#/traces') }, 'Close')),
    view.root);
  return { element };
}

// Replaces a select's options only when they changed, so that a refresh does not close an open dropdown.
function setOptions(select: HTMLSelectElement, options: [string, string][], chosen: string): void {
  const current = Array.from(select.options).map(o => [o.value, o.text].join('\u0000')).join('\u0001');
  const wanted = options.map(o => o.join('\u0000')).join('\u0001');
  if (current !== wanted) replace(select, ...options.map(([value, text]) => h('option', { value }, text)));
  select.value = chosen;
}

function withChosen(values: readonly string[], chosen: string): string[] {
  return chosen && !values.includes(chosen) ? [...values, chosen] : [...values];
}
