// A time-series chart on uPlot: lines, stacked areas or bars over a fixed time range (UTC), a left and an optional
// right axis, horizontal annotations (threshold lines and bands), a legend that hides a series on click, and a
// hover readout. update() changes the data in place (uPlot.setData) unless the set of series changed. The periods
// still open (the current minute, partly aggregated) are drawn dashed, not as a drop (open-period.ts).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h, replace } from '../dom';
import { formatUtcDateTime, formatValue, timeAxisLabels } from './format';
import { splitAtOpenPeriod } from './open-period';
import { withAlpha } from './palette';
import { stackSeries } from './stack';
import { readThemeColors, THEME_CHANGE_EVENT, type ThemeColors } from './theme-colors';

export interface ChartSeries {
  label: string;
  color: string;
  axis: 'left' | 'right';
  values: (number | null)[];
}

export interface ChartData {
  timestampsMs: number[];
  series: ChartSeries[];
  /** The index of the first period still open (firstOpenIndex); from there on values are drawn dashed. */
  openFrom?: number;
}

export interface AxisOptions {
  min?: number;
  max?: number;
  label?: string;
}

/** A threshold line at value, or a band from value to toValue. */
export interface Annotation {
  value: number;
  toValue?: number;
  label: string;
  color?: string;
  axis: 'left' | 'right';
}

export interface ChartOptions {
  kind: 'line' | 'stacked' | 'bar';
  left: AxisOptions;
  right: AxisOptions;
  annotations: Annotation[];
  legend: 'bottom' | 'right' | 'hidden';
}

const scaleOf = (axis: 'left' | 'right') => (axis === 'right' ? 'y2' : 'y');

export class TimeSeriesChart {
  readonly element: HTMLElement;
  private readonly plotArea: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly openNote: HTMLElement;
  private plot: uPlot | null = null;
  private signature = '';
  private data: ChartData = { timestampsMs: [], series: [] };
  private range = { startMs: 0, endMs: 1 };
  private readonly hidden = new Set<string>();
  private readonly resizeObserver: ResizeObserver;
  private readonly onThemeChange = () => this.rebuild();

  constructor(private readonly options: ChartOptions) {
    this.plotArea = h('div', { class: 'chart-plot' });
    this.tooltip = h('div', { class: 'chart-tooltip', hidden: true });
    this.legend = h('div', { class: 'chart-legend' });
    this.openNote = h('span', { class: 'legend-item open-period', hidden: true, title: 'Each value aggregates its whole period; the dashed part is a period not over yet, so a lower value there is not a drop' },
      h('span', { class: 'swatch dashed' }), 'period in progress');
    this.element = h('div', { class: `chart legend-${options.legend}` }, this.plotArea, options.legend === 'hidden' ? null : this.legend);
    this.plotArea.append(this.tooltip);
    this.resizeObserver = new ResizeObserver(() => this.fit());
    this.resizeObserver.observe(this.plotArea);
    addEventListener(THEME_CHANGE_EVENT, this.onThemeChange);
  }

  update(data: ChartData, range: { startMs: number; endMs: number }): void {
    this.data = data;
    this.range = range;
    const signature = JSON.stringify(data.series.map(s => [s.label, s.color, s.axis]));
    if (!this.plot || signature !== this.signature) {
      this.signature = signature;
      this.rebuild();
      return;
    }
    this.plot.setData(this.alignedData());
    this.showOpenNote();
  }

  destroy(): void {
    removeEventListener(THEME_CHANGE_EVENT, this.onThemeChange);
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  /** The first open period's index; bars have no line to dash, so for them every period is drawn alike. */
  private openFrom(): number {
    return this.options.kind === 'bar' ? this.data.timestampsMs.length : Math.min(this.data.openFrom ?? this.data.timestampsMs.length, this.data.timestampsMs.length);
  }

  /** The timestamps, then each series' closed periods, then each series' open tail (drawn dashed). */
  private alignedData(): uPlot.AlignedData {
    const raw = this.data.series.map(s => s.values);
    const drawn = this.options.kind === 'stacked' ? stackSeries(raw) : raw;
    const split = drawn.map(values => splitAtOpenPeriod(values, this.openFrom()));
    return [this.data.timestampsMs, ...split.map(s => s.closed), ...split.map(s => s.open)] as uPlot.AlignedData;
  }

  private showOpenNote(): void {
    const openFrom = this.openFrom();
    this.openNote.hidden = !this.data.series.some(s => s.values.slice(openFrom).some(v => v !== null));
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(120, this.plotArea.clientWidth), height: Math.max(80, this.plotArea.clientHeight) };
  }

  private fit(): void {
    if (!this.plot) return;
    const size = this.size();
    if (size.width !== this.plot.width || size.height !== this.plot.height) this.plot.setSize(size);
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.plot = null;
    if (this.data.series.length === 0) return;
    const colors = readThemeColors();
    this.plot = new uPlot(this.plotOptions(colors), this.alignedData(), this.plotArea);
    this.plotArea.append(this.tooltip); // keep the readout above the canvas
    this.buildLegend();
  }

  private plotOptions(colors: ThemeColors): uPlot.Options {
    const { kind, left, right } = this.options;
    const hasRight = this.data.series.some(s => s.axis === 'right');
    const axisStyle = { stroke: colors.muted, font: colors.font, labelFont: colors.font, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 } };
    const yValues = (_: uPlot, splits: number[]) => splits.map(formatValue);
    const bars = kind === 'bar' ? uPlot.paths.bars!({ size: [0.7, 24] }) : undefined;
    const openTails = this.data.series.map((s): uPlot.Series => ({
      label: `${s.label} (period in progress)`,
      scale: scaleOf(s.axis),
      stroke: s.color,
      width: 1.5,
      dash: [4, 4],
      spanGaps: true,
      show: !this.hidden.has(s.label),
    }));
    const series: uPlot.Series[] = [
      {},
      ...this.data.series.map((s, index): uPlot.Series => ({
        label: s.label,
        scale: scaleOf(s.axis),
        stroke: s.color,
        width: kind === 'bar' ? 0 : 1.5,
        fill: kind === 'line' ? undefined : withAlpha(s.color, kind === 'bar' ? 0.75 : 0.35),
        spanGaps: kind !== 'bar',
        show: !this.hidden.has(s.label),
        ...(bars ? { paths: bars, points: { show: false } } : {}),
        // The readout shows each series' own value, also when the areas are stacked.
        value: (_u, _v, _si, at) => formatValue(at === null ? null : this.data.series[index]?.values[at] ?? null),
      })),
      ...(kind === 'bar' ? [] : openTails),
    ];
    return {
      ...this.size(),
      ms: 1,
      tzDate: ts => uPlot.tzDate(new Date(ts), 'Etc/UTC'),
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 6 } },
      scales: {
        x: { time: true, range: () => [this.range.startMs, this.range.endMs] },
        y: { range: (_u, min, max) => axisRange(left, min, max) },
        y2: { range: (_u, min, max) => axisRange(right, min, max) },
      },
      series,
      bands: kind === 'stacked' ? this.data.series.slice(1).map((_, i) => ({ series: [i + 2, i + 1] as [number, number] })) : [],
      axes: [
        // Under ten minutes the ticks fall between minutes and show their seconds ("12:00:15"): they need more room.
        { ...axisStyle, space: (_u: uPlot, _axis: number, min: number, max: number) => (max - min < 10 * 60_000 ? 64 : 40), values: (_u: uPlot, splits: number[]) => timeAxisLabels(splits) },
        { ...axisStyle, scale: 'y', values: yValues, size: 48, ...(left.label ? { label: left.label, labelSize: 16 } : {}) },
        ...(hasRight ? [{ ...axisStyle, scale: 'y2', side: 1, values: yValues, size: 48, grid: { show: false }, ...(right.label ? { label: right.label, labelSize: 16 } : {}) }] : []),
      ],
      hooks: {
        draw: [u => drawAnnotations(u, this.options.annotations, colors)],
        setCursor: [u => this.showReadout(u)],
      },
    };
  }

  private showReadout(u: uPlot): void {
    const at = u.cursor.idx;
    const left = u.cursor.left ?? -1;
    if (at === null || at === undefined || left < 0) { this.tooltip.hidden = true; return; }
    const time = this.data.timestampsMs[at];
    if (time === undefined) { this.tooltip.hidden = true; return; }
    replace(this.tooltip,
      h('div', { class: 'chart-tooltip-time' }, formatUtcDateTime(time), at >= this.openFrom() ? ' (in progress)' : ''),
      ...this.data.series.filter(s => !this.hidden.has(s.label)).map(s =>
        h('div', { class: 'chart-tooltip-row' },
          h('span', { class: 'swatch', style: `background:${s.color}` }), h('span', {}, s.label), h('b', {}, formatValue(s.values[at] ?? null)))),
    );
    this.tooltip.hidden = false;
    // The cursor is relative to the plotting area, which starts after the y axis.
    const x = left + u.over.offsetLeft;
    const flip = x > this.plotArea.clientWidth / 2;
    this.tooltip.style.left = flip ? '' : `${x + 12}px`;
    this.tooltip.style.right = flip ? `${this.plotArea.clientWidth - x + 12}px` : '';
  }

  private buildLegend(): void {
    replace(this.legend,
      ...this.data.series.map((s, index) => {
        const item = h('button', { type: 'button', class: 'legend-item', 'aria-pressed': String(!this.hidden.has(s.label)), title: 'Show or hide this series' },
          h('span', { class: 'swatch', style: `background:${s.color}` }), s.label);
        item.addEventListener('click', () => {
          const show = this.hidden.has(s.label);
          if (show) this.hidden.delete(s.label); else this.hidden.add(s.label);
          item.setAttribute('aria-pressed', String(show));
          this.plot?.setSeries(index + 1, { show });
          if (this.options.kind !== 'bar') this.plot?.setSeries(index + 1 + this.data.series.length, { show });
        });
        return item;
      }),
      ...this.options.annotations.map(a =>
        h('span', { class: 'legend-item annotation' }, h('span', { class: 'swatch dashed', style: `border-color:${a.color ?? 'var(--alarm)'}` }),
          `${a.label} ${a.toValue === undefined ? formatValue(a.value) : `${formatValue(a.value)}–${formatValue(a.toValue)}`}`)),
      this.openNote,
    );
    this.showOpenNote();
  }
}

/** The y range: the widget's min and max where given, else from 0 (or the data's negative minimum) to the data's maximum plus headroom. */
function axisRange(axis: AxisOptions, dataMin: number | null, dataMax: number | null): uPlot.Range.MinMax {
  const min = axis.min ?? Math.min(0, dataMin ?? 0);
  let max = axis.max ?? (dataMax === null ? 1 : dataMax + Math.abs(dataMax - min) * 0.1);
  if (!(max > min)) max = min + 1;
  return [min, max];
}

function drawAnnotations(u: uPlot, annotations: readonly Annotation[], colors: ThemeColors): void {
  if (annotations.length === 0) return;
  const { ctx, bbox } = u;
  const ratio = devicePixelRatio || 1;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  ctx.font = `${11 * ratio}px ${colors.font.replace(/^\d+px\s*/, '')}`;
  for (const annotation of annotations) {
    const scale = scaleOf(annotation.axis);
    if (!u.scales[scale] || u.scales[scale]!.min === undefined) continue;
    const color = annotation.color ?? colors.alarm;
    const y = u.valToPos(annotation.value, scale, true);
    if (annotation.toValue !== undefined) {
      const y2 = u.valToPos(annotation.toValue, scale, true);
      ctx.fillStyle = withAlpha(color, 0.12);
      ctx.fillRect(bbox.left, Math.min(y, y2), bbox.width, Math.abs(y2 - y));
    }
    if (y < bbox.top || y > bbox.top + bbox.height) continue;
    ctx.strokeStyle = color;
    ctx.lineWidth = ratio;
    ctx.setLineDash([6 * ratio, 4 * ratio]);
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(annotation.label, bbox.left + bbox.width - 4 * ratio, y - 2 * ratio);
  }
  ctx.restore();
}
