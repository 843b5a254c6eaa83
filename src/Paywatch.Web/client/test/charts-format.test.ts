import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAgo, formatUtcDateTime, formatUtcTime, formatValue, timeAxisLabels } from '../src/charts/format';

test('values read compactly', () => {
  assert.equal(formatValue(null), '–');
  assert.equal(formatValue(0), '0');
  assert.equal(formatValue(3), '3');
  assert.equal(formatValue(12.345), '12.35');
  assert.equal(formatValue(123.45), '123.5');
  assert.equal(formatValue(9999), '9999');
  assert.equal(formatValue(12_345), '12.3k');
  assert.equal(formatValue(-2_500_000), '-2.5M');
  assert.equal(formatValue(3e9), '3B');
  assert.equal(formatValue(0.000123456), '0.000123');
  assert.equal(formatValue(0.5), '0.5');
});

test('times are UTC', () => {
  const ms = Date.UTC(2026, 10, 26, 9, 5, 7);
  assert.equal(formatUtcTime(ms), '09:05');
  assert.equal(formatUtcTime(ms, true), '09:05:07');
  assert.equal(formatUtcDateTime(ms), '2026-11-26 09:05:07 UTC');
});

test('ages read at a glance', () => {
  assert.equal(formatAgo(0, 2_000), 'just now');
  assert.equal(formatAgo(0, 42_000), '42 s ago');
  assert.equal(formatAgo(0, 5 * 60_000 + 10), '5 min ago');
  assert.equal(formatAgo(0, 3 * 3_600_000), '3 h ago');
  assert.equal(formatAgo(0, 50 * 3_600_000), '2 d ago');
  assert.equal(formatAgo(10_000, 0), 'just now');
});

test('time-axis labels are 24-hour UTC, with the date only where days change over a multi-day range', () => {
  const at = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);
  assert.deepEqual(timeAxisLabels([at(26, 9), at(26, 13), at(26, 17)]), ['09:00', '13:00', '17:00']);
  assert.deepEqual(timeAxisLabels([at(26, 12), at(27, 0), at(27, 12), at(28, 0)]), ['11-26 12:00', '11-27 00:00', '12:00', '11-28 00:00']);
  // Half-minute ticks (a 5-minute range): distinct labels, with seconds.
  assert.deepEqual(timeAxisLabels([at(26, 15) + 30_000, at(26, 15) + 60_000, at(26, 15) + 90_000]), ['15:00:30', '15:01:00', '15:01:30']);
  assert.deepEqual(timeAxisLabels([]), []);
});
