// The Events page: the EventBridge rules with their counters, and the events they routed (newest first), filterable
// by rule. Refreshed in place every context.refreshSeconds.
import { getEvents } from '../api';
import type { Page } from '../page';
import { h, replace } from '../dom';
import { createDataView, refreshRelativeTimes, startPolling, syncList, trafficHint } from '../ui/data-view';
import { eventColumns, eventKey, renderEvent, renderEventHeader, renderRule, renderRuleHeader, ruleColumns } from '../events/event-rows';
import '../ui/data-view.css';
import '../events/events.css';

const remembered = { rule: '', limit: 50 };

export const eventsPage: Page = {
  id: 'events',
  title: 'Events',
  mount(root, context) {
    const rulesView = createDataView({ id: 'event-rules', class: 'event-rules-view' }, context.nowMs);
    const eventsView = createDataView({ id: 'events', class: 'events-view' }, context.nowMs);
    const ruleRows = h('div', {});
    const rulesTable = h('div', { class: 'pw-list', style: `--columns: ${ruleColumns}` }, renderRuleHeader(), ruleRows);
    const eventRows = h('div', {});
    const eventsTable = h('div', { class: 'pw-list', style: `--columns: ${eventColumns}` }, renderEventHeader(), eventRows);

    const ruleSelect = h('select', { 'data-filter': 'rule', onchange: () => { remembered.rule = ruleSelect.value; polling.now(); } });
    const limitSelect = h('select', { 'data-filter': 'limit', onchange: () => { remembered.limit = Number(limitSelect.value); polling.now(); } },
      ...[50, 100, 200].map(n => h('option', { value: n }, `latest ${n}`)));
    limitSelect.value = String(remembered.limit);
    const setRuleOptions = (names: string[]) => {
      const all = remembered.rule && !names.includes(remembered.rule) ? [...names, remembered.rule] : names;
      const wanted = ['', ...all];
      if (Array.from(ruleSelect.options).map(o => `${o.value}\n`).join('') !== wanted.map(w => `${w}\n`).join('')) {
        replace(ruleSelect, ...wanted.map(name => h('option', { value: name }, name || 'All rules')));
      }
      ruleSelect.value = remembered.rule;
    };
    setRuleOptions([]);

    const polling = startPolling(async isCurrent => {
      rulesView.loading();
      eventsView.loading();
      try {
        const response = await getEvents(remembered.rule || undefined, remembered.limit);
        if (!isCurrent()) return;
        const nowMs = context.nowMs();
        setRuleOptions(response.rules.map(r => r.name));
        if (response.rules.length === 0) rulesView.empty('No rules — the twin loads them from config/rules when ', h('code', {}, 'paywatch up'), ' starts.');
        else {
          syncList(ruleRows, response.rules, r => r.name, renderRule);
          rulesView.ready(rulesTable);
        }
        if (response.events.length === 0) {
          if (remembered.rule) eventsView.empty(`No event matched ${remembered.rule} recently.`);
          else eventsView.empty('No events routed yet — a transaction that matches a rule is routed here; ', ...trafficHint(), '.');
        } else {
          // Newest first, whatever order the twin keeps them in.
          const newestFirst = [...response.events].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
          syncList(eventRows, newestFirst, eventKey, e => renderEvent(e, nowMs));
          refreshRelativeTimes(eventRows, nowMs);
          eventsView.ready(eventsTable);
        }
      } catch (error) {
        if (!isCurrent()) return;
        rulesView.fail(error);
        eventsView.fail(error);
      }
    }, context.refreshSeconds);

    replace(root, h('div', { class: 'pw-page events-page' },
      h('section', {}, h('h2', {}, 'Rules'), rulesView.root),
      h('section', {},
        h('div', { class: 'toolbar' }, h('h2', {}, 'Routed events'), h('label', {}, 'Rule', ruleSelect), h('label', {}, 'Show', limitSelect)),
        eventsView.root)));
    return () => polling.stop();
  },
};
