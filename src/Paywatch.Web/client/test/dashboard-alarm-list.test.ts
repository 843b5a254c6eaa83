// The alarm widget's sortBy and states, as "Properties of an Alarm Status Widget Object" in
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html describes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alarm, AlarmStateValue } from '../src/api';
import { alarmNameOf, selectAlarms } from '../src/dashboard/alarm-list';

const prefix = 'arn:aws:cloudwatch:eu-west-1:000000000000:alarm:';
const alarm = (name: string, state: AlarmStateValue, minute: number): Alarm => ({
  name, arn: prefix + name, type: 'MetricAlarm', description: null, state, reason: '', stateUpdated: new Date(Date.UTC(2026, 10, 26, 14, minute)).toISOString(),
  condition: null, rule: null, ruleTree: null, history: [],
});
const all = [alarm('b-ok-new', 'OK', 9), alarm('a-alarm-old', 'ALARM', 1), alarm('c-insufficient', 'INSUFFICIENT_DATA', 5), alarm('d-alarm-new', 'ALARM', 7)];
const arns = all.map(a => a.arn);
const names = (props: Record<string, unknown>, alarms = all) => selectAlarms(props, alarms).map(e => e.alarm?.name ?? `missing:${alarmNameOf(e.arn)}`);

test('default (or no) sortBy is alphabetical by name', () => {
  assert.deepEqual(names({ alarms: arns }), ['a-alarm-old', 'b-ok-new', 'c-insufficient', 'd-alarm-new']);
  assert.deepEqual(names({ alarms: arns, sortBy: 'default' }), ['a-alarm-old', 'b-ok-new', 'c-insufficient', 'd-alarm-new']);
});

test('stateUpdatedTimestamp: ALARM, then INSUFFICIENT_DATA, then OK, most recent change first in each', () => {
  assert.deepEqual(names({ alarms: arns, sortBy: 'stateUpdatedTimestamp' }), ['d-alarm-new', 'a-alarm-old', 'c-insufficient', 'b-ok-new']);
});

test('timestamp: most recent change first, whatever the state', () => {
  assert.deepEqual(names({ alarms: arns, sortBy: 'timestamp' }), ['b-ok-new', 'd-alarm-new', 'c-insufficient', 'a-alarm-old']);
});

test('states keeps only the alarms in those states; only the listed ARNs are shown', () => {
  assert.deepEqual(names({ alarms: arns, states: ['ALARM'] }), ['a-alarm-old', 'd-alarm-new']);
  assert.deepEqual(names({ alarms: arns, states: [] }).length, 4);
  assert.deepEqual(names({ alarms: [arns[0]] }), ['b-ok-new']);
});

test('an ARN the twin does not know is kept and named from its ARN', () => {
  assert.deepEqual(names({ alarms: [prefix + 'gone', arns[1]] }), ['a-alarm-old', 'missing:gone']);
  assert.equal(alarmNameOf('plain'), 'plain');
});
