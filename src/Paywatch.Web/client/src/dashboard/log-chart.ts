// A Logs Insights result as a chart, as a log widget with view "timeSeries" or "bar" draws it: the first field
// whose values are all times (the bin() of "stats ... by bin(5m)") is the x axis, each numeric field a series, and
// the remaining fields (a "by status" grouping) split the series per group.
import type { LogQueryResult } from '../api';

export interface LogChart {
  timestampsMs: number[];
  series: { label: string; values: (number | null)[] }[];
}

/** A Logs Insights time ("2026-11-26 14:05:00.000", UTC without a zone) or an ISO time, in ms; null if neither. */
export function parseLogTime(value: string | null): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) return null;
  const iso = text.replace(' ', 'T');
  const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
  return Number.isFinite(ms) ? ms : null;
}

const isNumber = (value: string) => value.trim() !== '' && Number.isFinite(Number(value));

/** The chart of a result, or null when the result has no time field or no numeric field to draw. */
export function logResultToChart(result: Pick<LogQueryResult, 'fields' | 'rows'>): LogChart | null {
  const { fields, rows } = result;
  const present = (column: number) => rows.map(row => row[column] ?? null).filter((v): v is string => v !== null);
  const timeColumn = fields.findIndex((_, column) => {
    const values = present(column);
    return values.length > 0 && values.every(value => parseLogTime(value) !== null);
  });
  if (timeColumn < 0) return null;
  const numericColumns: number[] = [];
  const groupColumns: number[] = [];
  fields.forEach((_, column) => {
    if (column === timeColumn) return;
    const values = present(column);
    if (values.length > 0 && values.every(isNumber)) numericColumns.push(column);
    else groupColumns.push(column);
  });
  if (numericColumns.length === 0) return null;

  const timestampsMs = [...new Set(rows.map(row => parseLogTime(row[timeColumn] ?? null)).filter((t): t is number => t !== null))]
    .sort((a, b) => a - b);
  const slot = new Map(timestampsMs.map((time, index) => [time, index]));
  const seriesByLabel = new Map<string, (number | null)[]>();
  for (const row of rows) {
    const time = parseLogTime(row[timeColumn] ?? null);
    if (time === null) continue;
    const group = groupColumns.map(column => row[column] ?? '').filter(v => v !== '').join(', ');
    for (const column of numericColumns) {
      const label = group ? `${fields[column]} (${group})` : fields[column]!;
      let values = seriesByLabel.get(label);
      if (!values) seriesByLabel.set(label, (values = new Array<number | null>(timestampsMs.length).fill(null)));
      const cell = row[column];
      if (cell !== null && cell !== undefined && isNumber(cell)) values[slot.get(time)!] = Number(cell);
    }
  }
  return { timestampsMs, series: [...seriesByLabel].map(([label, values]) => ({ label, values })) };
}
