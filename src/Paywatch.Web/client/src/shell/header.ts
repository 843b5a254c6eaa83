// The header: brand, environment and region, navigation (the active page marked), the twin's ticking clock, the
// theme toggle; and below it the banner that says when the twin stops answering.
import type { Cost, Status } from '../api';
import { formatUtcDateTime } from '../charts/format';
import { h } from '../dom';
import type { Page } from '../page';
import { themeToggle } from './theme-toggle';

export interface Header {
  element: HTMLElement;
  setStatus(status: Status): void;
  /** What the run would cost on AWS; null hides it (the twin did not answer). */
  setCost(cost: Cost | null): void;
  setActive(pageId: string): void;
  tick(nowMs: number): void;
  showProblem(message: string | null): void;
}

export function buildHeader(pages: readonly Page[]): Header {
  const environment = h('span', { class: 'env', 'data-testid': 'environment' });
  const region = h('span', { 'data-testid': 'region' });
  const cost = h('span', { class: 'shell-cost', 'data-testid': 'cost', hidden: true });
  const clock = h('time', { class: 'shell-clock', 'data-testid': 'twin-clock', title: "The twin's clock (UTC)" }, '—');
  const links = pages.map(page => h('a', { href: `#/${page.id}`, 'data-page': page.id }, page.title));
  const banner = h('div', { class: 'shell-banner', role: 'alert', 'data-testid': 'status-banner', hidden: true });
  const bar = h('header', { class: 'shell-header' },
    h('a', { class: 'shell-brand', href: '#/' }, 'Paywatch'),
    h('span', { class: 'shell-meta' }, environment, region, cost),
    h('nav', { class: 'shell-nav', 'aria-label': 'Pages' }, ...links),
    clock,
    themeToggle(),
  );
  return {
    element: h('div', {}, bar, banner),
    setStatus(status) {
      environment.textContent = status.environment;
      region.textContent = status.region;
    },
    setCost(reading) {
      cost.hidden = reading === null;
      if (reading === null) return;
      const usd = (value: number, digits: number) => `$${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
      cost.textContent = costLabel(reading.elapsedSeconds, usd(reading.usdPerHour, 2), usd(reading.usdPerMonth, 0));
      cost.title = `What this run would cost on AWS (${reading.region} prices of ${reading.pricesVersion}): ${usd(reading.usdSoFar, 4)} so far, `
        + `${reading.run.records.toLocaleString('en-US')} records; the month at this rate. docs/cost.md`;
    },
    setActive(pageId) {
      for (const link of links) {
        if (link.dataset.page === pageId) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
    tick(nowMs) {
      clock.textContent = formatUtcDateTime(nowMs);
      clock.dateTime = new Date(nowMs).toISOString();
    },
    showProblem(message) {
      banner.hidden = message === null;
      banner.textContent = message === null ? '' : `${message} Retrying every few seconds…`;
    },
  };
}

/** Seconds of run the header waits for before it extrapolates an hourly rate: a few seconds swung it by half. */
export const COST_MIN_SECONDS = 60;

/** The header's cost: nothing extrapolated before a minute of data, then the window the rate was measured over (the whole run, TwinCostMeter). */
export function costLabel(elapsedSeconds: number, perHour: string, perMonth: string): string {
  if (!(elapsedSeconds >= COST_MIN_SECONDS)) return 'on AWS: estimating (after a minute of data)';
  const minutes = Math.floor(elapsedSeconds / 60);
  const window = minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h`;
  return `on AWS ${perHour}/h · ${perMonth}/month (rate over the run's ${window})`;
}
