// ISO 8601 durations as the dashboard body's "start" uses them ("-PT3H": the last 3 hours;
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html, "start").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  firstOpenRange, fromUtcMinute, parseIsoDuration, parseRangeParam, rangeFromBody, rangeFromQuery, rangeToQuery, resolveRange, toUtcMinute,
} from '../src/dashboard/time-range';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

test('ISO 8601 durations of the body start: -PT3H, -PT15M, -P1D, and combinations', () => {
  assert.equal(parseIsoDuration('-PT3H'), -3 * HOUR);
  assert.equal(parseIsoDuration('-PT15M'), -15 * MINUTE);
  assert.equal(parseIsoDuration('-P1D'), -24 * HOUR);
  assert.equal(parseIsoDuration('P1DT2H30M'), 26.5 * HOUR);
  assert.equal(parseIsoDuration('PT0.5S'), 500);
  assert.equal(parseIsoDuration('-P2W'), -14 * 24 * HOUR);
  assert.equal(parseIsoDuration('PT90M'), 90 * MINUTE);
});

test('things that are not durations are refused', () => {
  for (const text of ['', 'P', 'PT', '-PT', 'P1DT', 'PT3', '3H', 'PT3H15', 'P1M', 'P1Y', 'PT-3H', 'hello']) {
    assert.equal(parseIsoDuration(text), null, text);
  }
});

test('the body start -PT3H is the last 3 hours; an absolute start and end is kept as given', () => {
  const fallback = { kind: 'relative', durationMs: HOUR } as const;
  assert.deepEqual(rangeFromBody('-PT3H', undefined, fallback), { kind: 'relative', durationMs: 3 * HOUR });
  assert.deepEqual(rangeFromBody('2026-11-26T10:00:00Z', '2026-11-26T11:00:00Z', fallback),
    { kind: 'absolute', startMs: Date.UTC(2026, 10, 26, 10), endMs: Date.UTC(2026, 10, 26, 11) });
  assert.deepEqual(rangeFromBody(undefined, undefined, fallback), fallback);
  assert.deepEqual(rangeFromBody('nonsense', undefined, fallback), fallback);
});

test('a relative range ends at the twin\'s now, not the browser\'s', () => {
  const now = Date.UTC(2030, 0, 1, 12);
  assert.deepEqual(resolveRange({ kind: 'relative', durationMs: 15 * MINUTE }, now), { startMs: now - 15 * MINUTE, endMs: now });
  assert.deepEqual(resolveRange({ kind: 'absolute', startMs: 1, endMs: 2 }, now), { startMs: 1, endMs: 2 });
});

test('the range round-trips through the URL query', () => {
  assert.deepEqual(parseRangeParam('15m'), { kind: 'relative', durationMs: 15 * MINUTE });
  assert.deepEqual(parseRangeParam('3h'), { kind: 'relative', durationMs: 3 * HOUR });
  assert.deepEqual(parseRangeParam('-PT5M'), { kind: 'relative', durationMs: 5 * MINUTE });
  assert.equal(parseRangeParam('0m'), null);
  assert.equal(parseRangeParam('soon'), null);
  assert.deepEqual(rangeToQuery({ kind: 'relative', durationMs: 15 * MINUTE }), { range: '15m' });
  const absolute = { kind: 'absolute', startMs: Date.UTC(2026, 10, 26, 10, 5), endMs: Date.UTC(2026, 10, 26, 11, 0) } as const;
  assert.deepEqual(rangeToQuery(absolute), { from: '2026-11-26T10:05', to: '2026-11-26T11:00' });
  assert.deepEqual(rangeFromQuery(new URLSearchParams(rangeToQuery(absolute))), absolute);
  // from after to is not a range; the relative one (if any) is used instead.
  assert.equal(rangeFromQuery(new URLSearchParams({ from: '2026-11-26T11:00', to: '2026-11-26T10:00' })), null);
});

test('datetime-local values are read and written in UTC', () => {
  assert.equal(fromUtcMinute('2026-11-26T14:05'), Date.UTC(2026, 10, 26, 14, 5));
  assert.equal(fromUtcMinute('2026-11-26T14:05:30'), Date.UTC(2026, 10, 26, 14, 5, 30));
  assert.equal(fromUtcMinute('2026-11-26 14:05'), null);
  assert.equal(toUtcMinute(Date.UTC(2026, 10, 26, 14, 5, 59)), '2026-11-26T14:05');
});

test('a twin younger than the body\'s range opens on its age rounded up to 5m, 15m, 1h; an older one on the body\'s', () => {
  const threeHours = { kind: 'relative', durationMs: 3 * HOUR } as const;
  assert.deepEqual(firstOpenRange(threeHours, 1 * MINUTE), { kind: 'relative', durationMs: 5 * MINUTE });
  assert.deepEqual(firstOpenRange(threeHours, 5 * MINUTE), { kind: 'relative', durationMs: 5 * MINUTE });
  assert.deepEqual(firstOpenRange(threeHours, 5 * MINUTE + 1), { kind: 'relative', durationMs: 15 * MINUTE });
  assert.deepEqual(firstOpenRange(threeHours, 50 * MINUTE), { kind: 'relative', durationMs: HOUR });
  assert.deepEqual(firstOpenRange(threeHours, 2 * HOUR), threeHours);
  assert.deepEqual(firstOpenRange(threeHours, 4 * HOUR), threeHours);
  // No start time known, or an absolute body range: the body's.
  assert.deepEqual(firstOpenRange(threeHours, NaN), threeHours);
  const absolute = { kind: 'absolute', startMs: 0, endMs: HOUR } as const;
  assert.deepEqual(firstOpenRange(absolute, MINUTE), absolute);
  // A body range of 15 minutes is never widened past itself.
  assert.deepEqual(firstOpenRange({ kind: 'relative', durationMs: 15 * MINUTE }, 10 * MINUTE), { kind: 'relative', durationMs: 15 * MINUTE });
});
