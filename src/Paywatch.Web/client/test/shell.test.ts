import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TwinClock } from '../src/shell/clock';
import { costLabel } from '../src/shell/header';
import { formatRoute, parseRoute, refreshSecondsFrom, samePage } from '../src/shell/route';
import { effectiveTheme, nextThemeChoice, readThemeChoice } from '../src/shell/theme';

test('routes: page id, params, query', () => {
  const route = parseRoute('#/traces/abc%2F1/x?status=error');
  assert.equal(route.id, 'traces');
  assert.deepEqual(route.params, ['abc/1', 'x']);
  assert.equal(route.query.get('status'), 'error');
  assert.deepEqual({ ...parseRoute(''), query: '' }, { id: '', params: [], query: '' });
  assert.equal(parseRoute('#dashboard').id, 'dashboard');
  assert.equal(parseRoute('#/dashboard?range=15m').query.get('range'), '15m');
  assert.equal(formatRoute('dashboard', [], { range: '15m' }), '#/dashboard?range=15m');
  assert.equal(formatRoute('traces', ['a/b']), '#/traces/a%2Fb');
  assert.ok(samePage(parseRoute('#/dashboard?range=5m'), parseRoute('#/dashboard?range=1h')));
  assert.ok(!samePage(parseRoute('#/traces/a'), parseRoute('#/traces/b')));
});

test('refresh seconds: 10 by default, at least 1', () => {
  assert.equal(refreshSecondsFrom(''), 10);
  assert.equal(refreshSecondsFrom('?refresh=2'), 2);
  assert.equal(refreshSecondsFrom('?refresh=0.2'), 1);
  assert.equal(refreshSecondsFrom('?refresh=0'), 10);
  assert.equal(refreshSecondsFrom('?refresh=soon'), 10);
});

test('the twin clock runs from the last status, not from the browser clock', () => {
  const clock = new TwinClock();
  clock.set('2030-01-01T00:00:00Z', 1000);
  assert.equal(clock.nowMs(3500), Date.UTC(2030, 0, 1) + 2500);
  clock.set('not a time', 4000);
  assert.equal(clock.nowMs(3500), Date.UTC(2030, 0, 1) + 2500);
  // A monotonic time before the read (should not happen) does not run the clock backwards.
  assert.equal(clock.nowMs(0), Date.UTC(2030, 0, 1));
});

test('the theme toggle cycles auto, light, dark; auto follows the system', () => {
  assert.equal(readThemeChoice(null), 'auto');
  assert.equal(readThemeChoice('dark'), 'dark');
  assert.equal(readThemeChoice('purple'), 'auto');
  assert.deepEqual([nextThemeChoice('auto'), nextThemeChoice('light'), nextThemeChoice('dark')], ['light', 'dark', 'auto']);
  assert.equal(effectiveTheme('auto', true), 'dark');
  assert.equal(effectiveTheme('auto', false), 'light');
  assert.equal(effectiveTheme('light', true), 'light');
});

test('the header\'s cost: no rate before a minute of data, then the rate with the window it was measured over', () => {
  assert.equal(costLabel(5, '$1.12', '$818'), 'on AWS: estimating (after a minute of data)');
  assert.equal(costLabel(59.9, '$1.12', '$818'), 'on AWS: estimating (after a minute of data)');
  assert.equal(costLabel(60, '$0.91', '$664'), 'on AWS $0.91/h · $664/month (rate over the run\'s 1 min)');
  assert.equal(costLabel(25 * 60 + 30, '$0.91', '$664'), 'on AWS $0.91/h · $664/month (rate over the run\'s 25 min)');
  assert.equal(costLabel(3 * 3600, '$0.91', '$664'), 'on AWS $0.91/h · $664/month (rate over the run\'s 3 h)');
});
