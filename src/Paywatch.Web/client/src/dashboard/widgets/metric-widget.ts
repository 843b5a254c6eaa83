// A metric widget: the server resolves the metrics array (stat, period, expressions) for the range; this draws the
// answer as a time series (lines or stacked areas), single values (with sparklines) or bars of the latest values.
// data-points on the widget counts the non-null values across the visible series.
import { getMetricWidget, type MetricWidgetData } from '../../api';
import { formatUtcDateTime, formatValue } from '../../charts/format';
import { seriesColor } from '../../charts/palette';
import { sparkline } from '../../charts/sparkline';
import { countPoints, latestValue } from '../../charts/stack';
import { TimeSeriesChart, type ChartSeries } from '../../charts/time-series-chart';
import { h, replace } from '../../dom';
import { readMetricDrawing } from '../metric-properties';
import { errorMessage, type WidgetFrame } from '../widget-frame';
import type { RefreshContext, WidgetRenderer } from './types';

/**
 * What an empty metric widget says: true whether the twin has traffic or not. A quiet metric (throttles, DLQ depth) has
 * no datapoints on a healthy run with --demo, so "start the twin with --demo" would be wrong there.
 */
export function noMetricData(title: string): string {
  const what = title.trim() === '' ? 'these metrics' : `“${title.trim()}”`;
  return `No datapoints for ${what} in this range: none were reported, which is what a healthy run shows for throttles and the DLQ. No traffic yet? Send some with \`paywatch send\`, or start the twin with \`--demo\`.`;
}

export function metricWidget(frame: WidgetFrame, properties: Record<string, unknown>): WidgetRenderer {
  const drawing = readMetricDrawing(properties);
  frame.setTitle(drawing.title);
  frame.element.dataset.points = '0';
  frame.body.classList.add(`metric-${drawing.view}`);
  const chart = drawing.view === 'timeSeries'
    ? new TimeSeriesChart({ kind: drawing.stacked ? 'stacked' : 'line', left: drawing.left, right: drawing.right, annotations: drawing.annotations, legend: drawing.legend })
    : null;
  if (chart) frame.body.append(chart.element);
  let hasData = false;
  let latestRequest = 0;

  const draw = (data: MetricWidgetData, range: { startMs: number; endMs: number }) => {
    const series: ChartSeries[] = data.series.map((s, index) => ({ label: s.label, color: seriesColor(s.color, index), axis: s.yAxis, values: s.values }));
    if (chart) chart.update({ timestampsMs: data.timestampsMs, series }, range);
    else if (drawing.view === 'singleValue') replace(frame.body, ...singleValues(data.timestampsMs, series, drawing.sparkline));
    else replace(frame.body, latestBars(data.timestampsMs, series));
  };

  return {
    async refresh(context: RefreshContext) {
      const request = ++latestRequest;
      try {
        const data = await getMetricWidget({ properties, start: new Date(context.startMs).toISOString(), end: new Date(context.endMs).toISOString() });
        if (request !== latestRequest) return; // a newer range was asked for meanwhile
        const points = countPoints(data.series.map(s => s.values));
        frame.element.dataset.points = String(points);
        if (points > 0) {
          draw(data, context);
          hasData = true;
        }
        frame.settle(points > 0 ? 'ready' : 'empty', noMetricData(drawing.title));
        if (data.messages.length > 0) frame.setNote('warning', data.messages.join(' · '));
      } catch (error) {
        if (request === latestRequest) frame.fail(errorMessage(error), hasData);
      }
    },
    destroy: () => chart?.destroy(),
  };
}

/** Each series' latest value, big, with its label (and a sparkline of the range when asked). */
function singleValues(timestampsMs: number[], series: ChartSeries[], withSparkline: boolean): HTMLElement[] {
  return series.map(s => {
    const latest = latestValue(timestampsMs, s.values);
    return h('div', { class: 'single-value', 'data-series': s.label },
      h('div', { class: 'single-value-label' }, h('span', { class: 'swatch', style: `background:${s.color}` }), s.label),
      h('div', { class: 'single-value-number', title: latest ? `at ${formatUtcDateTime(latest.atMs)}` : 'no datapoint in this range' }, formatValue(latest?.value)),
      withSparkline ? sparkline(s.values, s.color) : null,
    );
  });
}

/** One bar per series, as long as its latest value against the largest. */
function latestBars(timestampsMs: number[], series: ChartSeries[]): HTMLElement {
  const latest = series.map(s => latestValue(timestampsMs, s.values)?.value ?? null);
  const largest = Math.max(0, ...latest.map(v => Math.abs(v ?? 0))) || 1;
  return h('div', { class: 'bars' },
    ...series.map((s, index) => {
      const value = latest[index] ?? null;
      return h('div', { class: 'bar-row' },
        h('span', { class: 'bar-label', title: s.label }, s.label),
        h('span', { class: 'bar-track' }, h('span', { class: 'bar-fill', style: `width:${((Math.abs(value ?? 0) / largest) * 100).toFixed(1)}%;background:${s.color}` })),
        h('span', { class: 'bar-value' }, formatValue(value)),
      );
    }),
    h('div', { class: 'muted bar-note' }, 'Latest value of each series'),
  );
}
