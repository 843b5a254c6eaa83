// The shell: navigation, the route, the twin's status. (A minimal one until the shell is built.)
import './styles.css';
import { getStatus, type Status } from './api';
import { h, replace } from './dom';
import { pages } from './pages/registry';

let status: Status | null = null;
let readAt = 0;
const content = h('main');
document.body.append(h('nav', {}, ...pages.map(p => h('a', { href: `#/${p.id}` }, p.title))), content);
let leave = () => {};

function route(): void {
  leave();
  const [id, ...params] = location.hash.replace(/^#\/?/, '').split('/');
  const page = pages.find(p => p.id === id) ?? pages[0]!;
  leave = page.mount(content, {
    params,
    status: () => status!,
    nowMs: () => Date.parse(status!.now) + (performance.now() - readAt),
    refreshSeconds: Number(new URLSearchParams(location.search).get('refresh') ?? 10),
    navigate: hash => { location.hash = hash; },
  });
}

getStatus().then(s => { status = s; readAt = performance.now(); addEventListener('hashchange', route); route(); })
  .catch(e => replace(content, h('p', { class: 'error' }, String(e instanceof Error ? e.message : e))));
