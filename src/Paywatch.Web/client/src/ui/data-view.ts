// The machinery every data view of the alarms, traces, events and DLQ pages shares: the loading / ready / empty /
// error states (data-state, which the e2e test reads), live refresh that never overlaps itself, and lists updated in
// place by key so that a refresh keeps scroll position, open details and selections.
import { ApiError } from '../api';
import { h, replace } from '../dom';
import { formatRelative, formatTimestamp } from './time-format';

export type ViewState = 'loading' | 'ready' | 'empty' | 'error';

export interface DataView {
  /** The view's root: carries data-state. */
  readonly root: HTMLElement;
  /** Shows "Loading…", unless the view already shows data (a refresh keeps it on screen). */
  loading(): void;
  /** Shows content (a node kept across refreshes is not re-attached, so it does not flicker). */
  ready(content: Node): void;
  /** Says there is nothing to show, and what would make data appear. */
  empty(...message: (Node | string)[]): void;
  /** Says what went wrong; keeps the last data, marked stale, if there was any. */
  fail(error: unknown): void;
}

export function createDataView(attributes: Record<string, string>, nowMs: () => number): DataView {
  const notice = h('div', { class: 'dv-notice', role: 'status', hidden: true });
  const body = h('div', { class: 'dv-body' });
  const root = h('section', { ...attributes, class: `data-view ${attributes['class'] ?? ''}`.trim(), 'data-state': 'loading' }, notice, body);
  let shown: 'nothing' | 'data' | 'empty' = 'nothing';
  let lastReadMs = 0;

  const setState = (state: ViewState) => root.setAttribute('data-state', state);
  const hideNotice = () => {
    notice.hidden = true;
    notice.className = 'dv-notice';
    root.classList.remove('is-stale');
  };

  return {
    root,
    loading() {
      if (shown !== 'nothing') return;
      setState('loading');
      replace(body, h('p', { class: 'dv-loading muted' }, 'Loading…'));
    },
    ready(content) {
      hideNotice();
      if (body.childNodes.length !== 1 || body.firstChild !== content) replace(body, content);
      shown = 'data';
      lastReadMs = nowMs();
      setState('ready');
    },
    empty(...message) {
      hideNotice();
      replace(body, h('p', { class: 'empty' }, ...message));
      shown = 'empty';
      lastReadMs = nowMs();
      setState('empty');
    },
    fail(error) {
      const text = errorMessage(error);
      if (shown === 'data') {
        const now = nowMs();
        replace(notice, h('strong', {}, text), ` Showing the data read at ${formatTimestamp(lastReadMs, now)} UTC (${formatRelative(lastReadMs, now)}); it is stale.`);
        notice.className = 'dv-notice error stale';
        root.classList.add('is-stale');
      } else {
        replace(notice, h('strong', {}, text));
        notice.className = 'dv-notice error';
        replace(body);
        shown = 'nothing';
      }
      notice.hidden = false;
      setState('error');
    },
  };
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Calls load now and then every `seconds` after the previous call settled (a slow twin never gets a pile of
 * requests). Returns stop. `load` gets a function telling whether its result is still wanted: false once stopped
 * or once a newer load started (a filter change calls `now()`), so a late answer never overwrites a newer one.
 */
export function startPolling(load: (isCurrent: () => boolean) => Promise<void>, seconds: number): { stop(): void; now(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  let stopped = false;
  const run = () => {
    clearTimeout(timer);
    const mine = ++generation;
    const isCurrent = () => !stopped && mine === generation;
    load(isCurrent).finally(() => {
      if (isCurrent() && seconds > 0) timer = setTimeout(run, seconds * 1000);
    });
  };
  run();
  return {
    stop() { stopped = true; clearTimeout(timer); },
    now: run,
  };
}

const signatures = new WeakMap<Element, string>();

/**
 * Makes container's children the rendering of items, in order, by key: an item whose data did not change keeps its
 * element untouched (open details, focus, selection); a changed one is rendered again with its open <details> kept.
 * Rendered elements get data-key.
 */
export function syncList<T>(container: Element, items: readonly T[], keyOf: (item: T) => string, render: (item: T) => HTMLElement): void {
  const existing = new Map<string, HTMLElement>();
  for (const child of Array.from(container.children)) {
    const key = (child as HTMLElement).dataset['key'];
    if (key !== undefined) existing.set(key, child as HTMLElement);
    else child.remove();
  }
  let previous: Element | null = null;
  for (const item of items) {
    const key = keyOf(item);
    const signature = JSON.stringify(item);
    let element = existing.get(key);
    existing.delete(key);
    if (!element || signatures.get(element) !== signature) {
      const fresh = render(item);
      fresh.dataset['key'] = key;
      signatures.set(fresh, signature);
      if (element) {
        keepOpenDetails(element, fresh);
        element.replaceWith(fresh);
      }
      element = fresh;
    }
    const expected: Element | null = previous ? previous.nextElementSibling : container.firstElementChild;
    if (expected !== element) container.insertBefore(element, expected);
    previous = element;
  }
  for (const gone of existing.values()) gone.remove();
}

// <details> elements are matched by their data-part (or as the element itself).
function keepOpenDetails(from: HTMLElement, to: HTMLElement): void {
  if (from instanceof HTMLDetailsElement && to instanceof HTMLDetailsElement) to.open = from.open;
  for (const old of Array.from(from.querySelectorAll<HTMLDetailsElement>('details[data-part]'))) {
    const match = to.querySelector<HTMLDetailsElement>(`details[data-part="${CSS.escape(old.dataset['part'] ?? '')}"]`);
    if (match) match.open = old.open;
  }
}

/** A time shown relative to the twin's clock; refreshRelativeTimes updates it without re-rendering its row. */
export function relativeTime(iso: string, nowMs: number): HTMLElement {
  const thenMs = Date.parse(iso);
  return h('time', { datetime: iso, title: `${formatTimestamp(thenMs, Number.NaN)} UTC`, 'data-since-ms': thenMs, class: 'relative-time' },
    formatRelative(thenMs, nowMs));
}

export function refreshRelativeTimes(root: Element, nowMs: number): void {
  for (const element of Array.from(root.querySelectorAll<HTMLElement>('[data-since-ms]'))) {
    const text = formatRelative(Number(element.dataset['sinceMs']), nowMs);
    if (element.textContent !== text) element.textContent = text;
  }
}

/** An absolute UTC time, with the full ISO text on hover. */
export function clockTime(iso: string, nowMs: number): HTMLElement {
  return h('time', { datetime: iso, title: iso }, formatTimestamp(Date.parse(iso), nowMs));
}

/** "send some with `paywatch send` or start `paywatch up` with `--demo`", the commands as code: what makes data appear. */
export function trafficHint(): (Node | string)[] {
  return ['send some with ', h('code', {}, 'paywatch send'), ' or start ', h('code', {}, 'paywatch up'), ' with ', h('code', {}, '--demo')];
}

/** Pretty JSON as text (never markup). */
export function jsonBlock(value: unknown): HTMLElement {
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value, null, 2) ?? 'null';
  } catch {
    text = String(value);
  }
  return h('pre', { class: 'json' }, text);
}
