// A small line without axes under a single value, drawn as SVG (built as nodes, never as markup).
const SVG = 'http://www.w3.org/2000/svg';

export function sparkline(values: readonly (number | null)[], color: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('viewBox', '0 0 100 24');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-hidden', 'true');
  const present = values.map((value, index) => [index, value] as const).filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]));
  if (present.length < 2) return svg;
  const min = Math.min(...present.map(p => p[1]));
  const max = Math.max(...present.map(p => p[1]));
  const span = max - min || 1;
  const last = Math.max(1, values.length - 1);
  const points = present.map(([index, value]) => `${((index / last) * 100).toFixed(2)},${(22 - ((value - min) / span) * 20).toFixed(2)}`);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points.join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', color);
  line.setAttribute('stroke-width', '1.5');
  line.setAttribute('vector-effect', 'non-scaling-stroke');
  svg.append(line);
  return svg;
}
