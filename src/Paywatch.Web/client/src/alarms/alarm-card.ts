// One alarm: its state, why, since when, what it watches (or its rule and rule tree), and its history on expand.
import type { Alarm, AlarmHistoryItem } from '../api';
import { h } from '../dom';
import { stateClass } from './alarm-list';
import { clockTime, relativeTime } from '../ui/data-view';
import { renderRuleTree } from './rule-tree-view';

export function renderAlarmCard(alarm: Alarm, nowMs: number, onLeaf: (alarmName: string) => void): HTMLElement {
  const composite = alarm.type === 'CompositeAlarm';
  return h('article', { class: `alarm-card state-${stateClass(alarm.state)}`, 'data-alarm-name': alarm.name, 'data-alarm-state': alarm.state, tabindex: -1 },
    h('header', {},
      h('span', { class: `badge ${stateClass(alarm.state)}` }, alarm.state),
      h('h3', {}, alarm.name),
      h('span', { class: 'alarm-type' }, composite ? 'Composite alarm' : 'Metric alarm'),
      h('span', { class: 'alarm-since muted' }, 'since ', relativeTime(alarm.stateUpdated, nowMs))),
    alarm.description ? h('p', { class: 'alarm-description' }, alarm.description) : null,
    h('dl', { class: 'alarm-facts' },
      h('dt', {}, 'Reason'), h('dd', {}, alarm.reason || '—'),
      ...(composite
        ? [h('dt', {}, 'Rule'), h('dd', { class: 'mono' }, alarm.rule ?? '—')]
        : [h('dt', {}, 'Condition'), h('dd', {}, alarm.condition ?? '—')])),
    composite && alarm.ruleTree ? renderRuleTree(alarm.ruleTree, alarm.name, onLeaf) : null,
    renderHistory(alarm.history, nowMs));
}

function renderHistory(history: readonly AlarmHistoryItem[], nowMs: number): HTMLElement {
  const newestFirst = [...history].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
  return h('details', { class: 'alarm-history', 'data-part': 'history' },
    h('summary', {}, `History (${history.length} ${history.length === 1 ? 'change' : 'changes'})`),
    newestFirst.length === 0
      ? h('p', { class: 'muted' }, 'No state change yet.')
      : h('ol', {}, ...newestFirst.map(item => h('li', {},
        h('span', { class: 'history-time' }, clockTime(item.timestamp, nowMs), ' ', h('span', { class: 'muted' }, '(', relativeTime(item.timestamp, nowMs), ')')),
        h('span', { class: 'history-change' },
          h('span', { class: `badge ${stateClass(item.oldState)}` }, item.oldState), ' → ',
          h('span', { class: `badge ${stateClass(item.newState)}` }, item.newState)),
        h('span', { class: 'history-reason' }, item.reason)))));
}
