// The metric widget properties (view, stacked, yAxis, annotations.horizontal, legend.position), as
// "Properties of a Metric Widget Object" in
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html gives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMetricDrawing } from '../src/dashboard/metric-properties';

test('defaults: a line chart (timeSeries), not stacked, legend at the bottom', () => {
  const drawing = readMetricDrawing({ metrics: [['AWS/Lambda', 'Errors', 'FunctionName', 'f']] });
  assert.deepEqual(drawing, {
    title: 'Errors', view: 'timeSeries', stacked: false, sparkline: false, left: {}, right: {}, annotations: [], legend: 'bottom',
  });
});

test('a stacked time series with its title', () => {
  const drawing = readMetricDrawing({ title: 'Transaction volume', view: 'timeSeries', stacked: true, metrics: [] });
  assert.equal(drawing.title, 'Transaction volume');
  assert.equal(drawing.stacked, true);
});

test('singleValue with sparkline; bar; pie drawn as bars; unknown views as lines', () => {
  assert.equal(readMetricDrawing({ view: 'singleValue', sparkline: true }).sparkline, true);
  assert.equal(readMetricDrawing({ view: 'singleValue' }).view, 'singleValue');
  assert.equal(readMetricDrawing({ view: 'bar' }).view, 'bar');
  assert.equal(readMetricDrawing({ view: 'pie' }).view, 'bar');
  assert.equal(readMetricDrawing({ view: 'gauge' }).view, 'timeSeries');
});

test('yAxis left and right: min, max, label; nonsense ignored', () => {
  const drawing = readMetricDrawing({ yAxis: { left: { min: 0, max: 100, label: '%', showUnits: false }, right: { min: 'low' } } });
  assert.deepEqual(drawing.left, { min: 0, max: 100, label: '%' });
  assert.deepEqual(drawing.right, {});
});

test('horizontal annotations: lines, bands (a pair), hidden ones dropped', () => {
  const drawing = readMetricDrawing({
    annotations: {
      horizontal: [
        { label: 'Iterator-age alarm', value: 60000 },
        { value: 5, color: '#ff0000', yAxis: 'right' },
        [{ value: 10, label: 'Warm' }, { value: 20 }],
        { label: 'Off', value: 1, visible: false },
        { label: 'No value' },
      ],
    },
  });
  assert.deepEqual(drawing.annotations, [
    { value: 60000, label: 'Iterator-age alarm', axis: 'left' },
    { value: 5, label: 'Threshold 2', axis: 'right', color: '#ff0000' },
    { value: 10, toValue: 20, label: 'Warm', axis: 'left' },
  ]);
});

test('legend position right or hidden; a title from the first expression\'s label', () => {
  assert.equal(readMetricDrawing({ legend: { position: 'right' } }).legend, 'right');
  assert.equal(readMetricDrawing({ legend: { position: 'hidden' } }).legend, 'hidden');
  assert.equal(readMetricDrawing({ legend: { position: 'top' } }).legend, 'bottom');
  assert.equal(readMetricDrawing({ metrics: [[{ expression: 'm1 * 2', label: 'Doubled' }]] }).title, 'Doubled');
});
