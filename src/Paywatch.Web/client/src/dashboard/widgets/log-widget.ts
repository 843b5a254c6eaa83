// A log widget: its Logs Insights query runs on the server for the range; "table" (the default) shows the fields and
// rows, "timeSeries" and "bar" chart the numeric fields over the query's time field (see logChart.ts).
import { getLogWidget, type LogQueryResult } from '../../api';
import { PALETTE } from '../../charts/palette';
import { TimeSeriesChart } from '../../charts/time-series-chart';
import { h, replace } from '../../dom';
import { logResultToChart } from '../log-chart';
import { errorMessage, type WidgetFrame } from '../widget-frame';
import type { RefreshContext, WidgetRenderer } from './types';

const NO_LOG_DATA = 'No log events match this query in this range. Send transactions with `paywatch send`, or start the twin with `--demo`.';

export function logWidget(frame: WidgetFrame, properties: Record<string, unknown>): WidgetRenderer {
  frame.setTitle(typeof properties.title === 'string' ? properties.title : 'Logs');
  const view = properties.view === 'timeSeries' || properties.view === 'bar' ? properties.view : 'table';
  const chart = view === 'table' ? null : new TimeSeriesChart({ kind: view === 'bar' ? 'bar' : 'line', left: {}, right: {}, annotations: [], legend: 'bottom' });
  const tableBox = h('div', { class: 'log-table' });
  frame.body.append(chart?.element ?? tableBox);
  let hasData = false;
  let latestRequest = 0;

  const showTable = (result: LogQueryResult, note: string | null) => {
    if (!tableBox.isConnected) replace(frame.body, tableBox);
    replace(tableBox, table(result));
    frame.setNote(note ? 'warning' : null, note ?? '');
  };

  return {
    async refresh(context: RefreshContext) {
      const request = ++latestRequest;
      try {
        const result = await getLogWidget({ properties, start: new Date(context.startMs).toISOString(), end: new Date(context.endMs).toISOString() });
        if (request !== latestRequest) return;
        const empty = result.rows.length === 0;
        frame.settle(empty ? 'empty' : 'ready', NO_LOG_DATA);
        if (empty) return;
        hasData = true;
        if (!chart) { showTable(result, null); return; }
        const drawn = logResultToChart(result);
        if (!drawn) {
          showTable(result, 'Nothing to chart (no time field with numbers beside it): shown as a table.');
          return;
        }
        if (!chart.element.isConnected) replace(frame.body, chart.element);
        chart.update({
          timestampsMs: drawn.timestampsMs,
          series: drawn.series.map((s, index) => ({ label: s.label, color: PALETTE[index % PALETTE.length]!, axis: 'left', values: s.values })),
        }, context);
      } catch (error) {
        if (request === latestRequest) frame.fail(errorMessage(error), hasData);
      }
    },
    destroy: () => chart?.destroy(),
  };
}

function table(result: LogQueryResult): HTMLTableElement {
  return h('table', { class: 'compact' },
    h('thead', {}, h('tr', {}, ...result.fields.map(field => h('th', {}, field)))),
    h('tbody', {}, ...result.rows.map(row => h('tr', {}, ...result.fields.map((_, column) => {
      const cell = row[column] ?? null;
      // Long messages are cut to one line; the whole text is in the cell's title.
      return h('td', { class: cell !== null && /^-?\d+(\.\d+)?$/.test(cell) ? 'num' : null, title: cell }, cell ?? '');
    })))),
  );
}
