import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceSpan } from '../src/api';
import { axisTicks, formatTick, layoutWaterfall } from '../src/traces/waterfall-layout';
import { windowRange } from '../src/traces/time-window';
import { edgeGeometry } from '../src/traces/service-map-layout';
import { classifyErrorRatio, formatCount, formatErrors } from '../src/traces/error-ratio';

const span = (spanId: string, parentSpanId: string | null, startMs: number, durationMs: number): TraceSpan =>
  ({ spanId, parentSpanId, name: spanId, startMs, durationMs, error: false, tags: {} });

test('the waterfall lists a parent then its children by start, indented by depth', () => {
  // The shape the processor writes: the batch, the transaction, its validation/processing/routing, the publish.
  const spans = [
    span('tx', 'batch', 1010, 60),
    span('batch', null, 1000, 100),
    span('routing', 'tx', 1050, 20),
    span('validation', 'tx', 1010, 10),
    span('processing', 'tx', 1020, 30),
    span('publish', 'batch', 1075, 25),
  ];
  const layout = layoutWaterfall(spans);
  assert.equal(layout.startMs, 1000);
  assert.equal(layout.totalMs, 100);
  assert.deepEqual(layout.rows.map(r => [r.span.spanId, r.depth]), [
    ['batch', 0], ['tx', 1], ['validation', 2], ['processing', 2], ['routing', 2], ['publish', 1],
  ]);
  const tx = layout.rows[1]!;
  assert.equal(tx.offset, 0.1);
  assert.equal(tx.width, 0.6);
  assert.equal(layout.rows[5]!.offset, 0.75);
  assert.ok(layout.rows.every(r => !r.orphan));
});

test('a span whose parent is not in the trace is shown at the top level, marked orphan', () => {
  const layout = layoutWaterfall([span('tx', 'gone', 0, 10), span('child', 'tx', 2, 5)]);
  assert.deepEqual(layout.rows.map(r => [r.span.spanId, r.depth, r.orphan]), [['tx', 0, true], ['child', 1, false]]);
});

test('spans in a parent cycle are not lost', () => {
  const layout = layoutWaterfall([span('a', 'b', 0, 10), span('b', 'a', 5, 10)]);
  assert.deepEqual(layout.rows.map(r => r.span.spanId).sort(), ['a', 'b']);
});

test('a trace of zero length gives full-width bars rather than dividing by zero', () => {
  const layout = layoutWaterfall([span('only', null, 5, 0)]);
  assert.deepEqual([layout.totalMs, layout.rows[0]!.offset, layout.rows[0]!.width], [0, 0, 1]);
  assert.deepEqual(layoutWaterfall([]).rows, []);
});

test('axis ticks are round steps that cover the trace', () => {
  assert.deepEqual(axisTicks(100), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(axisTicks(7.3), [0, 2, 4, 6]);
  assert.deepEqual(axisTicks(0.3), [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
  assert.deepEqual(axisTicks(0), [0]);
});

test('nodes are coloured by their share of failed requests', () => {
  assert.equal(classifyErrorRatio(0, 0), 'idle');
  assert.equal(classifyErrorRatio(100, 0), 'ok');
  assert.equal(classifyErrorRatio(100, 9), 'some');
  assert.equal(classifyErrorRatio(100, 10), 'many');
  assert.equal(classifyErrorRatio(0, 3), 'many');
  assert.equal(formatErrors(200, 3), '3 (1.5%)');
  assert.equal(formatErrors(120, 120), '120 (100%)');
  assert.equal(formatErrors(50, 0), '0');
});

test('tick labels carry the precision of the step', () => {
  assert.deepEqual([0, 20, 100].map(t => formatTick(t, 20)), ['0 ms', '20 ms', '100 ms']);
  assert.deepEqual([0, 0.05, 0.3].map(t => formatTick(t, 0.05)), ['0 ms', '0.05 ms', '0.30 ms']);
  assert.deepEqual([0, 1000, 3000].map(t => formatTick(t, 1000)), ['0 s', '1 s', '3 s']);
  assert.equal(formatTick(2500, 500), '2500 ms');
});

test('the window is the last N minutes of the twin clock', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  assert.deepEqual(windowRange('5m', now), { start: '2026-11-26T11:55:00.000Z', end: '2026-11-26T12:00:00.000Z' });
  assert.equal(windowRange('nonsense', now).start, '2026-11-26T11:45:00.000Z');
  assert.equal(windowRange('3h', now).start, '2026-11-26T09:00:00.000Z');
});

test('edges run side to side on the row and downwards to the dead-letter queue', () => {
  const across = edgeGeometry('kinesis', 'processor');
  assert.equal(across.y1, across.y2);
  assert.ok(across.x1 < across.x2);
  const down = edgeGeometry('processor', 'sqs');
  assert.equal(down.x1, down.x2);
  assert.ok(down.y1 < down.y2);
});

test('edge counts are compact, never rounded up past what happened', () => {
  assert.deepEqual([0, 999, 1000, 6317, 9999, 12_345, 999_999, 1_234_567].map(formatCount), ['0', '999', '1k', '6.3k', '9.9k', '12k', '999k', '1.2M']);
});
