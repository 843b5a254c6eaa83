// The period still open: the current minute's sum holds only the seconds so far, so it is drawn apart (dashed), not
// as a drop. CloudWatch aggregates every datapoint whose time falls within a period into that period's one value,
// stamped with the period's start (GetMetricStatistics, "CloudWatch aggregates data points based on the length of
// the period": https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstOpenIndex, splitAtOpenPeriod } from '../src/charts/open-period';

const MINUTE = 60_000;
const noon = Date.UTC(2026, 10, 26, 12);
const minutes = [0, 1, 2, 3].map(m => noon + m * MINUTE);

test('the period that has not ended by now is open; the ones before it are closed', () => {
  // 12:03:20: 12:03 is open, 12:02 ended at 12:03:00.
  assert.equal(firstOpenIndex(minutes, MINUTE, noon + 3 * MINUTE + 20_000), 3);
  // 12:03:00 exactly: 12:02 has just ended, 12:03 has just begun.
  assert.equal(firstOpenIndex(minutes, MINUTE, noon + 3 * MINUTE), 3);
  // 12:02:59.999: 12:02 is still open, and so is 12:03 (not begun).
  assert.equal(firstOpenIndex(minutes, MINUTE, noon + 3 * MINUTE - 1), 2);
  // A range in the past: nothing open.
  assert.equal(firstOpenIndex(minutes, MINUTE, noon + 10 * MINUTE), 4);
  assert.equal(firstOpenIndex([], MINUTE, noon), 0);
});

test('a series splits into its closed periods and an open tail joined to the last closed value', () => {
  // 120 a minute, and 40 so far in the open minute: the 40 is only in the tail.
  assert.deepEqual(splitAtOpenPeriod([120, 120, 120, 40], 3), { closed: [120, 120, 120, null], open: [null, null, 120, 40] });
  // A gap before the open period: the tail joins the last value there is.
  assert.deepEqual(splitAtOpenPeriod([120, null, null, 40], 3), { closed: [120, null, null, null], open: [120, null, null, 40] });
  // Nothing yet in the open period: no tail at all, the closed line unchanged.
  assert.deepEqual(splitAtOpenPeriod([120, 120, 120, null], 3), { closed: [120, 120, 120, null], open: [null, null, null, null] });
  // Nothing open (openFrom is the length): the series as it was.
  assert.deepEqual(splitAtOpenPeriod([1, 2], 2), { closed: [1, 2], open: [null, null] });
  // Only the open period has a value (a run's first minute): the tail is that point alone.
  assert.deepEqual(splitAtOpenPeriod([null, 5], 1), { closed: [null, null], open: [null, 5] });
});
