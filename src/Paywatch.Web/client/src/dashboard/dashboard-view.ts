// The Dashboard page: the body from /api/dashboard laid out on CloudWatch's grid, each widget drawing its own data
// for the chosen range, refreshed live every refreshSeconds (in place) unless paused.
import { getAlarms, getDashboard, type Alarm, type Dashboard } from '../api';
import { h, replace } from '../dom';
import type { PageContext } from '../page';
import { formatRoute, parseRoute } from '../shell/route';
import { placeWidgets, readingOrder } from './layout';
import { firstOpenRange, rangeFromBody, rangeFromQuery, rangeToQuery, resolveRange, type TimeRange } from './time-range';
import { buildToolbar, type Toolbar } from './toolbar';
import { errorMessage, WidgetFrame } from './widget-frame';
import { createWidget } from './widgets';
import type { RefreshContext, WidgetRenderer } from './widgets/types';

const THREE_HOURS: TimeRange = { kind: 'relative', durationMs: 3 * 60 * 60 * 1000 };

export function mountDashboard(root: HTMLElement, context: PageContext): () => void {
  delete document.documentElement.dataset.firstRender;
  const view = h('div', { class: 'dashboard', 'data-state': 'loading' }, h('p', { class: 'loading' }, 'Loading the dashboard…'));
  replace(root, view);

  let disposed = false;
  let paused = false;
  let renderers: WidgetRenderer[] = [];
  let toolbar: Toolbar | null = null;
  let range: TimeRange = THREE_HOURS;
  let inFlight = false;
  let lastUpdated: number | null = null;
  let dashboard: Dashboard | null = null;

  const markFirstRender = () => {
    if (document.documentElement.dataset.firstRender === 'done') return;
    performance.mark('paywatch:first-render');
    document.documentElement.dataset.firstRender = 'done';
  };

  async function refreshWidgets(): Promise<void> {
    if (disposed || renderers.length === 0) return;
    inFlight = true;
    toolbar?.setUpdated(lastUpdated, true);
    const nowMs = context.nowMs();
    const bounds = resolveRange(range, nowMs);
    let alarms: Promise<Alarm[]> | null = null;
    const refreshContext: RefreshContext = { ...bounds, nowMs, alarms: () => (alarms ??= getAlarms().then(r => r.alarms)) };
    await Promise.all(renderers.map(renderer => renderer.refresh(refreshContext)));
    inFlight = false;
    lastUpdated = nowMs;
    if (!disposed) toolbar?.setUpdated(lastUpdated, false);
  }

  function setRange(next: TimeRange): void {
    range = next;
    toolbar?.setRange(range, context.nowMs());
    history.replaceState(null, '', formatRoute('dashboard', context.params, rangeToQuery(range)));
    void refreshWidgets();
  }

  function build(loaded: Dashboard): void {
    dashboard = loaded;
    const bodyRange = rangeFromBody(loaded.body.start, loaded.body.end, THREE_HOURS);
    const ageMs = loaded.startedAt === undefined ? NaN : context.nowMs() - Date.parse(loaded.startedAt);
    range = rangeFromQuery(parseRoute(location.hash).query) ?? firstOpenRange(bodyRange, ageMs);
    toolbar = buildToolbar(loaded.name, bodyRange, context.refreshSeconds, {
      onRange: setRange,
      onRefresh: () => void refreshWidgets(),
      onPause: value => { paused = value; toolbar?.setUpdated(lastUpdated, inFlight); },
    });
    toolbar.setRange(range, context.nowMs());
    const widgets = Array.isArray(loaded.body.widgets) ? loaded.body.widgets : [];
    const placements = placeWidgets(widgets);
    const order = readingOrder(placements);
    let unsettled = widgets.length;
    // Text widgets settle while the grid is still being built: the mark waits until it is on the page.
    const onFirstSettle = () => { if (--unsettled === 0) queueMicrotask(markFirstRender); };
    const grid = h('div', { class: 'dashboard-grid' });
    renderers = widgets.map((widget, index) => {
      const frame = new WidgetFrame(index, String(widget.type), placements[index]!, order.indexOf(index), onFirstSettle);
      grid.append(frame.element);
      return createWidget(widget, frame);
    });
    const content = widgets.length > 0
      ? grid
      : h('p', { class: 'empty' }, 'This dashboard has no widgets: add some to config/dashboard/dashboard.json.');
    view.dataset.state = widgets.length > 0 ? 'ready' : 'empty';
    replace(view, toolbar.element, content);
    if (widgets.length === 0) markFirstRender();
    void refreshWidgets();
  }

  async function load(): Promise<void> {
    inFlight = true;
    try {
      const loaded = await getDashboard();
      inFlight = false;
      if (!disposed) build(loaded);
    } catch (error) {
      inFlight = false;
      if (disposed) return;
      view.dataset.state = 'error';
      replace(view, h('div', { class: 'error' }, `The dashboard could not be read: ${errorMessage(error)} Trying again every ${context.refreshSeconds} s.`));
      markFirstRender();
    }
  }

  // A range typed into the URL (#/dashboard?range=15m) is taken without a reload.
  const onHashChange = () => {
    const asked = rangeFromQuery(parseRoute(location.hash).query);
    if (dashboard && asked && JSON.stringify(asked) !== JSON.stringify(range)) setRange(asked);
  };
  addEventListener('hashchange', onHashChange);

  const timer = setInterval(() => {
    if (paused || inFlight) return;
    if (dashboard) void refreshWidgets();
    else void load();
  }, context.refreshSeconds * 1000);
  void load();

  return () => {
    disposed = true;
    clearInterval(timer);
    removeEventListener('hashchange', onHashChange);
    for (const renderer of renderers) renderer.destroy();
  };
}
