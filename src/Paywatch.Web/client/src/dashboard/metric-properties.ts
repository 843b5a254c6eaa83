// How a metric widget's properties say to draw it (view, stacked, yAxis, annotations, legend, title), read
// defensively from the body's JSON. The server resolves the metrics themselves (stat, period, expressions).
// Spec: "Properties of a Metric Widget Object" in
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
import type { Annotation, AxisOptions } from '../charts/time-series-chart';

export type MetricView = 'timeSeries' | 'singleValue' | 'bar';

export interface MetricDrawing {
  title: string;
  view: MetricView;
  stacked: boolean;
  sparkline: boolean;
  left: AxisOptions;
  right: AxisOptions;
  annotations: Annotation[];
  legend: 'bottom' | 'right' | 'hidden';
}

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function axis(value: unknown): AxisOptions {
  const props = record(value);
  const options: AxisOptions = {};
  const min = number(props.min);
  const max = number(props.max);
  const label = text(props.label);
  if (min !== undefined) options.min = min;
  if (max !== undefined) options.max = max;
  if (label !== undefined) options.label = label;
  return options;
}

function annotation(value: unknown, index: number): Annotation | null {
  // A band is written as a pair: [{ "value": 10, "label": "..." }, { "value": 20 }].
  if (Array.isArray(value)) {
    const [from, to] = value.map(record);
    const start = number(from?.value);
    const end = number(to?.value);
    if (!from || start === undefined || end === undefined || from.visible === false) return null;
    return withColor({ value: start, toValue: end, label: text(from.label) ?? `Band ${index + 1}`, axis: from.yAxis === 'right' ? 'right' : 'left' }, from.color);
  }
  const props = record(value);
  const at = number(props.value);
  if (at === undefined || props.visible === false) return null;
  return withColor({ value: at, label: text(props.label) ?? `Threshold ${index + 1}`, axis: props.yAxis === 'right' ? 'right' : 'left' }, props.color);
}

function withColor(result: Annotation, color: unknown): Annotation {
  const given = text(color);
  return given ? { ...result, color: given } : result;
}

/** A title for a widget that has none: the first metric's name, as the console does. */
function defaultTitle(metrics: unknown): string {
  if (!Array.isArray(metrics)) return 'Metrics';
  for (const row of metrics) {
    if (!Array.isArray(row)) continue;
    const options = record(row[row.length - 1]);
    if (typeof options.expression === 'string') return text(options.label) ?? options.expression;
    const strings = row.filter((part): part is string => typeof part === 'string' && part !== '.' && part !== '..');
    if (strings.length >= 2) return strings[1]!;
  }
  return 'Metrics';
}

export function readMetricDrawing(properties: Record<string, unknown>): MetricDrawing {
  const view = properties.view === 'singleValue' ? 'singleValue' : properties.view === 'bar' || properties.view === 'pie' ? 'bar' : 'timeSeries';
  const yAxis = record(properties.yAxis);
  const horizontal = record(properties.annotations).horizontal;
  const position = record(properties.legend).position;
  return {
    title: text(properties.title) ?? defaultTitle(properties.metrics),
    view,
    stacked: properties.stacked === true,
    sparkline: properties.sparkline === true,
    left: axis(yAxis.left),
    right: axis(yAxis.right),
    annotations: Array.isArray(horizontal) ? horizontal.map(annotation).filter((a): a is Annotation => a !== null) : [],
    legend: position === 'right' || position === 'hidden' ? position : 'bottom',
  };
}
