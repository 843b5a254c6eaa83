// The dashboard's toolbar: the run (since the twin started, while it is younger than the body's range), relative
// ranges (5m 15m 1h 3h, and the body's own if it is another), a custom absolute range in UTC, manual refresh, and
// pause/resume of the live refresh.
import { formatUtcTime } from '../charts/format';
import { h } from '../dom';
import { durationLabel, fromUtcMinute, PRESETS, resolveRange, toUtcMinute, type TimeRange } from './time-range';

export interface ToolbarEvents {
  onRange(range: TimeRange): void;
  onRefresh(): void;
  onPause(paused: boolean): void;
}

export interface Toolbar {
  element: HTMLElement;
  setRange(range: TimeRange, nowMs: number): void;
  setUpdated(twinMs: number | null, busy: boolean): void;
}

export function buildToolbar(title: string, bodyRange: TimeRange, run: TimeRange | null, refreshSeconds: number, events: ToolbarEvents): Toolbar {
  const durations = PRESETS.map(p => p.durationMs);
  if (bodyRange.kind === 'relative' && !durations.includes(bodyRange.durationMs)) durations.push(bodyRange.durationMs);
  durations.sort((a, b) => a - b);
  const rangeButtons = durations.map(durationMs => {
    const label = durationLabel(durationMs);
    return h('button', { type: 'button', 'data-range': label, 'aria-pressed': 'false', title: `The last ${label}`, onclick: () => events.onRange({ kind: 'relative', durationMs }) }, label);
  });
  if (run?.kind === 'run') {
    const since = `Since the twin started, ${formatUtcTime(run.startedMs, false)} UTC (at most the last ${durationLabel(run.capMs)})`;
    rangeButtons.unshift(h('button', { type: 'button', 'data-range': 'run', 'aria-pressed': 'false', title: since, onclick: () => events.onRange(run) }, 'Run'));
  }
  const customButton = h('button', { type: 'button', 'data-range': 'custom', 'aria-pressed': 'false', 'aria-expanded': 'false' }, 'Custom');
  const from = h('input', { type: 'datetime-local', step: 60, 'aria-label': 'From (UTC)', name: 'from' });
  const to = h('input', { type: 'datetime-local', step: 60, 'aria-label': 'To (UTC)', name: 'to' });
  const problem = h('span', { class: 'custom-problem', role: 'status' });
  const customForm = h('form', { class: 'custom-range', hidden: true },
    h('label', {}, 'From ', from), h('label', {}, 'To ', to), h('span', { class: 'muted' }, 'UTC'),
    h('button', { type: 'submit', class: 'primary' }, 'Apply'), problem);
  customButton.addEventListener('click', () => {
    customForm.hidden = !customForm.hidden;
    customButton.setAttribute('aria-expanded', String(!customForm.hidden));
  });
  customForm.addEventListener('submit', event => {
    event.preventDefault();
    const startMs = fromUtcMinute(from.value);
    const endMs = fromUtcMinute(to.value);
    if (startMs === null || endMs === null || startMs >= endMs) {
      problem.textContent = 'Give a start before the end.';
      return;
    }
    problem.textContent = '';
    events.onRange({ kind: 'absolute', startMs, endMs });
  });

  let paused = false;
  const pauseButton = h('button', { type: 'button', 'data-action': 'pause', 'aria-pressed': 'false' }, 'Pause');
  pauseButton.addEventListener('click', () => {
    paused = !paused;
    pauseButton.textContent = paused ? 'Resume' : 'Pause';
    pauseButton.setAttribute('aria-pressed', String(paused));
    pauseButton.title = paused ? 'Live refresh is paused' : `Refreshes every ${refreshSeconds} s`;
    events.onPause(paused);
  });
  const refreshButton = h('button', { type: 'button', 'data-action': 'refresh', title: 'Refresh now', onclick: () => events.onRefresh() }, 'Refresh');
  const updated = h('span', { class: 'toolbar-updated muted', 'aria-live': 'polite' });

  const element = h('div', { class: 'dashboard-toolbar' },
    h('h1', { class: 'dashboard-title' }, title),
    h('div', { class: 'toolbar-group' },
      h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time range' }, ...rangeButtons, customButton),
      h('span', { class: 'muted utc-note', title: 'Every time on this page is UTC' }, 'Times in UTC'),
    ),
    h('div', { class: 'toolbar-group' }, updated, refreshButton, pauseButton),
    customForm,
  );

  return {
    element,
    setRange(range, nowMs) {
      const active = range.kind === 'relative' ? durationLabel(range.durationMs) : range.kind === 'run' ? 'run' : 'custom';
      for (const button of [...rangeButtons, customButton]) button.setAttribute('aria-pressed', String(button.dataset.range === active));
      const shown = resolveRange(range, nowMs);
      from.value = toUtcMinute(shown.startMs);
      to.value = toUtcMinute(shown.endMs);
    },
    setUpdated(twinMs, busy) {
      // The text changes only when the data does; a refresh under way only lights the dot before it.
      const at = twinMs === null ? 'Loading' : `Updated ${formatUtcTime(twinMs, true)}`;
      updated.textContent = `${at} · ${paused ? 'paused' : `every ${refreshSeconds} s`}`;
      updated.classList.toggle('busy', busy);
    },
  };
}
