// What every page of the UI is: the shell (main.ts) mounts one page at a time into its content element and calls the
// returned function when the user leaves it, so that the page stops its timers and charts.
import type { Status } from './api';

export interface PageContext {
  /** The route's parameters after the page's name: '#/traces/abc' gives ['abc']. */
  params: string[];
  /** The twin's status as last read (its clock, names); refreshed by the shell. */
  status(): Status;
  /** The twin's clock now, in ms since the epoch: the last status's `now` plus the time since it was read. */
  nowMs(): number;
  /** Seconds between live refreshes (from ?refresh=N in the URL, default 10). */
  refreshSeconds: number;
  /** Changes the route (e.g. to open a trace) without a reload. */
  navigate(hash: string): void;
}

export interface Page {
  /** The route name: '#/dashboard' is 'dashboard'. */
  id: string;
  /** The navigation label. */
  title: string;
  mount(root: HTMLElement, context: PageContext): () => void;
}
