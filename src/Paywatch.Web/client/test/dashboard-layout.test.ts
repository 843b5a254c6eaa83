// The grid rules of the dashboard body: width and height default to 6, x and y to "the next available position"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeWidgets, readingOrder } from '../src/dashboard/layout';

test('a widget without width or height is 6 by 6 (CloudWatch-Dashboard-Body-Structure: default is 6)', () => {
  assert.deepEqual(placeWidgets([{ x: 0, y: 0 }]), [{ x: 0, y: 0, width: 6, height: 6 }]);
});

test('widgets placed by hand keep their cells', () => {
  const placed = placeWidgets([{ x: 12, y: 0, width: 12, height: 6 }, { x: 0, y: 18, width: 24, height: 3 }]);
  assert.deepEqual(placed, [{ x: 12, y: 0, width: 12, height: 6 }, { x: 0, y: 18, width: 24, height: 3 }]);
});

test('widgets without x and y flow left to right, then onto the next row', () => {
  const placed = placeWidgets([{}, {}, {}, {}, { width: 12 }]);
  assert.deepEqual(placed.map(p => [p.x, p.y]), [[0, 0], [6, 0], [12, 0], [18, 0], [0, 6]]);
});

test('an automatic widget takes the first free spot around the ones placed by hand', () => {
  const placed = placeWidgets([{ x: 0, y: 0, width: 12 }, { width: 12 }, { width: 24, height: 2 }]);
  assert.deepEqual(placed.map(p => [p.x, p.y]), [[0, 0], [12, 0], [0, 6]]);
  // A hand-placed widget further down the body still reserves its cells before the automatic ones flow.
  const around = placeWidgets([{ width: 18 }, { x: 18, y: 0, width: 6 }]);
  assert.deepEqual(around.map(p => [p.x, p.y]), [[0, 0], [18, 0]]);
});

test('an automatic widget does not fit in a gap smaller than itself', () => {
  const placed = placeWidgets([{ x: 0, y: 0, width: 20, height: 2 }, { width: 6, height: 2 }]);
  assert.deepEqual(placed[1], { x: 0, y: 2, width: 6, height: 2 });
});

test('x alone (without y) is not a position: the widget is placed automatically', () => {
  const placed = placeWidgets([{ x: 10 }]);
  assert.deepEqual(placed[0], { x: 0, y: 0, width: 6, height: 6 });
});

test('sizes are clamped to the grid and a widget sticking out on the right moves left', () => {
  const placed = placeWidgets([{ x: 20, y: 0, width: 30, height: 0 }, { x: 22, y: 4, width: 6, height: 2.7 }]);
  assert.deepEqual(placed, [{ x: 0, y: 0, width: 24, height: 1 }, { x: 18, y: 4, width: 6, height: 2 }]);
});

test('reading order sorts by row, then column', () => {
  const placed = placeWidgets([{ x: 12, y: 6 }, { x: 0, y: 6 }, { x: 6, y: 0 }]);
  assert.deepEqual(readingOrder(placed), [2, 1, 0]);
});
