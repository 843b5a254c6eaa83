import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logResultToChart, parseLogTime } from '../src/dashboard/log-chart';

const t = (minute: number) => Date.UTC(2026, 10, 26, 14, minute);

test('Logs Insights times have no zone and are UTC', () => {
  assert.equal(parseLogTime('2026-11-26 14:05:00.000'), t(5));
  assert.equal(parseLogTime('2026-11-26T14:05:00Z'), t(5));
  assert.equal(parseLogTime('2026-11-26T16:05:00+02:00'), t(5));
  assert.equal(parseLogTime('42'), null);
  assert.equal(parseLogTime(null), null);
});

test('stats count(*) by bin(5m): the bin is the x axis, sorted; each numeric field a series', () => {
  const chart = logResultToChart({
    fields: ['bin(5m)', 'count(*)', 'avg(duration)'],
    rows: [['2026-11-26 14:05:00.000', '3', '1.5'], ['2026-11-26 14:00:00.000', '7', null]],
  });
  assert.deepEqual(chart, {
    timestampsMs: [t(0), t(5)],
    series: [{ label: 'count(*)', values: [7, 3] }, { label: 'avg(duration)', values: [null, 1.5] }],
  });
});

test('a text field groups the series: one per value, gaps where a group has no row', () => {
  const chart = logResultToChart({
    fields: ['status', 'bin(1m)', 'count(*)'],
    rows: [['approved', '2026-11-26 14:00:00.000', '5'], ['failed', '2026-11-26 14:01:00.000', '1'], ['approved', '2026-11-26 14:01:00.000', '4']],
  });
  assert.deepEqual(chart, {
    timestampsMs: [t(0), t(1)],
    series: [{ label: 'count(*) (approved)', values: [5, 4] }, { label: 'count(*) (failed)', values: [null, 1] }],
  });
});

test('no time field or no numeric field: nothing to chart', () => {
  assert.equal(logResultToChart({ fields: ['@message'], rows: [['hello']] }), null);
  assert.equal(logResultToChart({ fields: ['@timestamp', '@message'], rows: [['2026-11-26 14:00:00.000', 'hello']] }), null);
  assert.equal(logResultToChart({ fields: ['bin(5m)', 'count(*)'], rows: [] }), null);
});
