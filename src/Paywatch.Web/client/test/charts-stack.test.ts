import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countPoints, latestValue, stackSeries } from '../src/charts/stack';

test('stacked series are running totals, bottom series first', () => {
  assert.deepEqual(stackSeries([[1, 2, 3], [10, 20, 30], [100, 200, 300]]), [[1, 2, 3], [11, 22, 33], [111, 222, 333]]);
});

test('a missing value is a gap in its own series and adds nothing to the ones above', () => {
  assert.deepEqual(stackSeries([[1, null, 3], [null, 5, 1], [2, 2, null]]), [[1, null, 3], [null, 5, 4], [3, 7, null]]);
});

test('series of different lengths stack over the longest', () => {
  assert.deepEqual(stackSeries([[1], [1, 1]]), [[1, null], [2, 1]]);
  assert.deepEqual(stackSeries([]), []);
});

test('points are the non-null values of every series', () => {
  assert.equal(countPoints([[1, null, 0], [null, null], [NaN, 4]]), 3);
});

test('the latest value skips trailing gaps', () => {
  assert.deepEqual(latestValue([10, 20, 30], [1, 2, null]), { value: 2, atMs: 20 });
  assert.equal(latestValue([10], [null]), null);
});
