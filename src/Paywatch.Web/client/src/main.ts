// The shell: the header, the route, the twin's status and clock. One page at a time is mounted into the content
// element; the shell calls its cleanup when the route moves to another page.
import './styles.css';
import { getCost, getStatus, type Status } from './api';
import { h, replace } from './dom';
import type { PageContext } from './page';
import { pages } from './pages/registry';
import { TwinClock } from './shell/clock';
import { buildHeader } from './shell/header';
import { parseRoute, refreshSecondsFrom, samePage, type Route } from './shell/route';

const RETRY_MS = 3000;

const refreshSeconds = refreshSecondsFrom(location.search);
const clock = new TwinClock();
const header = buildHeader(pages);
const content = h('main', { class: 'shell-content' }, h('p', { class: 'loading', 'data-state': 'loading' }, 'Connecting to the twin…'));
document.body.append(header.element, content);

let status: Status | null = null;
let mounted: { route: Route; leave: () => void } | null = null;
const nowMs = () => clock.nowMs(performance.now());

function route(): void {
  if (!status) return;
  const next = parseRoute(location.hash);
  const page = pages.find(p => p.id === next.id) ?? pages[0]!;
  const resolved = { ...next, id: page.id };
  // A change of query only (the dashboard's time range) is the page's business: no remount.
  if (mounted && samePage(mounted.route, resolved)) { mounted.route = resolved; return; }
  mounted?.leave();
  header.setActive(page.id);
  document.title = `${page.title} · Paywatch`;
  const context: PageContext = {
    params: resolved.params,
    status: () => status!,
    nowMs,
    refreshSeconds,
    navigate: hash => { location.hash = hash; },
  };
  replace(content);
  mounted = { route: resolved, leave: page.mount(content, context) };
}

/** Reads the status; on failure shows the banner and tries again in a few seconds, else in refreshSeconds. */
async function refreshStatus(): Promise<void> {
  let delay = refreshSeconds * 1000;
  try {
    const fresh = await getStatus();
    clock.set(fresh.now, performance.now());
    const first = status === null;
    status = fresh;
    header.setStatus(fresh);
    header.showProblem(null);
    header.tick(nowMs());
    if (first) route();
    // The cost is a header detail: a failure hides it, and the status banner already says when the twin is away.
    void getCost().then(header.setCost, () => header.setCost(null));
  } catch (error) {
    header.showProblem(error instanceof Error ? error.message : String(error));
    delay = RETRY_MS;
  }
  setTimeout(refreshStatus, delay);
}

addEventListener('hashchange', route);
setInterval(() => { if (status) header.tick(nowMs()); }, 1000);
void refreshStatus();
