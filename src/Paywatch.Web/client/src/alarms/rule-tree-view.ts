// A composite alarm's rule as an indented tree: each operator with its truth now, each leaf ALARM("name") with the
// named alarm's state badge. A leaf is a button: the page scrolls to the alarm it names.
import type { RuleTreeNode } from '../api';
import { h } from '../dom';
import { stateClass } from './alarm-list';
import { flattenRuleTree, type RuleTreeRow } from './rule-tree-model';

export function renderRuleTree(tree: RuleTreeNode, alarmName: string, onLeaf: (alarmName: string) => void): HTMLElement {
  return h('div', { class: 'rule-tree', role: 'tree', 'aria-label': `The rule of ${alarmName}` },
    ...flattenRuleTree(tree).map(row => renderRow(row, onLeaf)));
}

function renderRow(row: RuleTreeRow, onLeaf: (alarmName: string) => void): HTMLElement {
  const truth = h('span', { class: `rt-value ${row.value ? 'true' : 'false'}`, title: 'Its value now' }, row.value ? 'true' : 'false');
  const attributes = { class: `rt-row rt-${row.kind}`, role: 'treeitem', 'aria-level': row.depth + 1, style: `--depth: ${row.depth}` };
  if (row.kind !== 'leaf') return h('div', attributes, h('span', { class: 'rt-op' }, row.label), truth);
  const name = row.alarmName ?? '';
  return h('div', attributes,
    h('button', { type: 'button', class: 'rt-leaf mono', 'data-rule-leaf': name, title: `Show ${name}`, onclick: () => onLeaf(name) }, row.label),
    h('span', { class: `badge ${stateClass(row.alarmState)}` }, row.alarmState ?? 'unknown alarm'),
    truth);
}
