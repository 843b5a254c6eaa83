// The Alarms page: every metric and composite alarm (composites first), filterable by state, with history and each
// composite's rule tree. Refreshed in place every context.refreshSeconds.
import { getAlarms, type Alarm } from '../api';
import type { Page } from '../page';
import { h, replace } from '../dom';
import { countByState, filterAlarms, orderAlarms, stateFilters, type StateFilter } from '../alarms/alarm-list';
import { renderAlarmCard } from '../alarms/alarm-card';
import { createDataView, refreshRelativeTimes, startPolling, syncList } from '../ui/data-view';
import '../ui/data-view.css';
import '../alarms/alarms.css';

const filterLabels: Record<StateFilter, string> = { ALL: 'All', ALARM: 'In alarm', INSUFFICIENT_DATA: 'Insufficient data', OK: 'OK' };

export const alarmsPage: Page = {
  id: 'alarms',
  title: 'Alarms',
  mount(root, context) {
    const view = createDataView({ id: 'alarms', class: 'alarms-view' }, context.nowMs);
    const filterBar = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Show alarms in state' });
    const list = h('div', { class: 'alarm-list' });
    let alarms: Alarm[] | null = null;
    let filter: StateFilter = 'ALL';

    const showAlarm = (name: string) => {
      if (alarms?.some(a => a.name === name && filter !== 'ALL' && a.state !== filter)) {
        filter = 'ALL';
        show();
      }
      const card = list.querySelector<HTMLElement>(`[data-alarm-name="${CSS.escape(name)}"]`);
      if (!card) return;
      card.scrollIntoView({ behavior: 'smooth', block: 'center' });
      card.focus({ preventScroll: true });
      // Restarting the animation: drop the class, force a style pass, add it again.
      card.classList.remove('highlighted');
      void card.offsetWidth;
      card.classList.add('highlighted');
    };

    const renderFilters = (all: readonly Alarm[]) => {
      const counts = countByState(all);
      replace(filterBar, ...stateFilters.map(f => h('button', {
        type: 'button', 'data-filter': f, 'aria-pressed': String(f === filter),
        onclick: () => { filter = f; show(); },
      }, `${filterLabels[f]} (${counts[f]})`)));
    };

    const show = () => {
      if (!alarms) return;
      renderFilters(alarms);
      if (alarms.length === 0) {
        view.empty('No alarms yet — the twin creates them from config/alarms when ', h('code', {}, 'paywatch up'), ' starts.');
        return;
      }
      const visible = filterAlarms(orderAlarms(alarms), filter);
      if (visible.length === 0) {
        view.empty(`No alarm is in ${filterLabels[filter].toLowerCase()} now. `,
          h('button', { type: 'button', onclick: () => { filter = 'ALL'; show(); } }, 'Show all alarms'));
        return;
      }
      const nowMs = context.nowMs();
      syncList(list, visible, a => a.name, a => renderAlarmCard(a, nowMs, showAlarm));
      refreshRelativeTimes(list, nowMs);
      view.ready(list);
    };

    const polling = startPolling(async isCurrent => {
      view.loading();
      try {
        const response = await getAlarms();
        if (!isCurrent()) return;
        alarms = response.alarms;
        show();
      } catch (error) {
        if (isCurrent()) view.fail(error);
      }
    }, context.refreshSeconds);

    replace(root, h('div', { class: 'pw-page alarms-page' },
      h('div', { class: 'toolbar' }, h('h2', {}, 'Alarms'), filterBar),
      view.root));
    return () => polling.stop();
  },
};
