import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alarm, RuleTreeNode } from '../src/api';
import { flattenRuleTree } from '../src/alarms/rule-tree-model';
import { countByState, filterAlarms, orderAlarms, stateClass } from '../src/alarms/alarm-list';
import { formatDuration, formatRelative, formatTimestamp } from '../src/ui/time-format';

const leaf = (name: string, state: RuleTreeNode['alarmState'], fn: RuleTreeNode['function'] = 'ALARM'): RuleTreeNode =>
  ({ op: 'STATE', value: state === fn, function: fn, alarmName: name, alarmState: state });

test('a composite rule flattens in reading order with depths and the leaves as the rule spells them', () => {
  // ALARM("a") OR (NOT OK("b") AND TRUE)
  const tree: RuleTreeNode = {
    op: 'OR', value: true, children: [
      leaf('a', 'ALARM'),
      { op: 'AND', value: false, children: [{ op: 'NOT', value: false, children: [leaf('b', 'OK', 'OK')] }, { op: 'TRUE', value: true }] },
    ],
  };
  const rows = flattenRuleTree(tree);
  assert.deepEqual(rows.map(r => [r.depth, r.kind, r.label, r.value]), [
    [0, 'operator', 'OR', true],
    [1, 'leaf', 'ALARM("a")', true],
    [1, 'operator', 'AND', false],
    [2, 'operator', 'NOT', false],
    [3, 'leaf', 'OK("b")', true],
    [2, 'constant', 'TRUE', true],
  ]);
  assert.equal(rows[1]!.alarmState, 'ALARM');
  assert.equal(rows[4]!.alarmName, 'b');
});

test('a leaf whose alarm state is unknown says so (null), and names with quotes stay readable', () => {
  const rows = flattenRuleTree({ op: 'STATE', value: false, function: 'INSUFFICIENT_DATA', alarmName: 'say "hi"' });
  assert.equal(rows[0]!.label, 'INSUFFICIENT_DATA("say \\"hi\\"")');
  assert.equal(rows[0]!.alarmState, null);
});

const alarm = (name: string, type: Alarm['type'], state: Alarm['state']): Alarm => ({
  name, type, state, arn: `arn:${name}`, description: null, reason: '', stateUpdated: '2026-11-26T10:00:00Z',
  condition: null, rule: null, ruleTree: null, history: [],
});

test('composites come first, then by name; the filter keeps one state', () => {
  const alarms = [alarm('b', 'MetricAlarm', 'OK'), alarm('z', 'CompositeAlarm', 'ALARM'), alarm('a', 'MetricAlarm', 'ALARM'), alarm('c', 'CompositeAlarm', 'OK')];
  assert.deepEqual(orderAlarms(alarms).map(a => a.name), ['c', 'z', 'a', 'b']);
  assert.deepEqual(filterAlarms(orderAlarms(alarms), 'ALARM').map(a => a.name), ['z', 'a']);
  assert.deepEqual(filterAlarms(alarms, 'INSUFFICIENT_DATA'), []);
  assert.deepEqual(countByState(alarms), { ALL: 4, ALARM: 2, OK: 2, INSUFFICIENT_DATA: 0 });
  assert.equal(stateClass('INSUFFICIENT_DATA'), 'insufficient');
});

test('relative times read naturally on both sides of now', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  assert.equal(formatRelative(now - 2_000, now), 'just now');
  assert.equal(formatRelative(now - 42_000, now), '42 s ago');
  assert.equal(formatRelative(now - 59_600, now), '1 min ago');
  assert.equal(formatRelative(now - 5 * 60_000 - 59_000, now), '5 min ago');
  assert.equal(formatRelative(now - 3600_000, now), '1 h ago');
  assert.equal(formatRelative(now - (2 * 3600 + 5 * 60) * 1000, now), '2 h 5 min ago');
  assert.equal(formatRelative(now - (3 * 86400 + 4 * 3600) * 1000, now), '3 d 4 h ago');
  assert.equal(formatRelative(now + 30_000, now), 'in 30 s');
});

test('timestamps are UTC, with the date only when it is not today on the twin', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  assert.equal(formatTimestamp(Date.parse('2026-11-26T01:02:03.900Z'), now), '01:02:03');
  assert.equal(formatTimestamp(Date.parse('2026-11-25T23:59:59Z'), now), '2026-11-25 23:59:59');
  assert.equal(formatTimestamp(Number.NaN, now), '—');
});

test('durations keep the precision that matters at their size', () => {
  assert.deepEqual([0, 0.042, 0.5, 3.14159, 42.06, 421.4, 1250, 12_340, 125_000].map(formatDuration),
    ['0 ms', '0.042 ms', '0.5 ms', '3.14 ms', '42.1 ms', '421 ms', '1.25 s', '12.3 s', '125 s']);
});
