// The service map as SVG: five fixed boxes with their request, error and latency figures, coloured by error ratio,
// and the edges between them labelled with their request counts. Colours come from the shell's CSS variables (the
// SVG's classes use them), so the map follows the theme without being redrawn.
import type { ServiceEdge, ServiceMap, ServiceNode } from '../api';
import { formatDuration } from '../ui/time-format';
import { classifyErrorRatio, formatCount, formatErrors } from './error-ratio';
import { edgeGeometry, mapSize, nodeKinds, nodeOrder, nodePositions, nodeSize, type NodeId } from './service-map-layout';
import { s } from './svg';

export function renderServiceMap(map: ServiceMap): SVGSVGElement {
  const byId = new Map(map.nodes.map(n => [n.id, n] as const));
  return s('svg', { viewBox: `0 0 ${mapSize.width} ${mapSize.height}`, class: 'service-map', role: 'img', 'aria-label': describeMap(map) },
    s('defs', {}, s('marker', { id: 'sm-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
      s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'sm-arrowhead' }))),
    ...map.edges.filter(e => e.from in nodePositions && e.to in nodePositions).map(renderEdge),
    ...nodeOrder.map(id => renderNode(id, byId.get(id) ?? null)));
}

function renderEdge(edge: ServiceEdge): SVGGElement {
  const g = edgeGeometry(edge.from, edge.to);
  const level = classifyErrorRatio(edge.requests, edge.errors);
  // Requests above a horizontal edge and errors under it (beside a vertical one): the gaps are narrow.
  const errorsBelow = g.anchor === 'middle' ? 22 : 16;
  return s('g', { class: `sm-edge lvl-${level}`, 'data-edge': `${edge.from}-${edge.to}` },
    s('title', {}, `${edge.requests} ${edge.unit ?? 'requests'}, ${edge.errors} ${edge.errorsMeaning ?? 'errors'}`),
    s('line', { x1: g.x1, y1: g.y1, x2: g.x2 - (g.x1 === g.x2 ? 0 : 2), y2: g.y2 - (g.x1 === g.x2 ? 2 : 0), 'marker-end': 'url(#sm-arrow)' }),
    s('text', { x: g.labelX, y: g.labelY, 'text-anchor': g.anchor, class: 'sm-edge-label' }, `${formatCount(edge.requests)} ${edge.unit ?? 'req'}`),
    edge.errors > 0 ? s('text', { x: g.labelX, y: g.labelY + errorsBelow, 'text-anchor': g.anchor, class: 'sm-edge-label sm-edge-errors' }, `${formatCount(edge.errors)} ${edge.unit ? `${edge.unit} errored` : 'err'}`) : null);
}

function renderNode(id: NodeId, node: ServiceNode | null): SVGGElement {
  const { x, y } = nodePositions[id];
  const level = node ? classifyErrorRatio(node.requests, node.errors) : 'idle';
  const line = (dy: number, text: string, cls: string) => s('text', { x: x + 12, y: y + dy, class: cls }, text);
  const latency = node && node.latencyAvgMs !== null
    ? `avg ${formatDuration(node.latencyAvgMs)}${node.latencyP99Ms !== null ? ` · p99 ${formatDuration(node.latencyP99Ms)}` : ''}`
    : null;
  const name = node?.name ?? '—';
  return s('g', { class: `sm-node lvl-${level}`, 'data-node': id, 'data-level': level },
    s('title', {}, node ? `${node.type}: ${node.name}` : `${nodeKinds[id]}: no data`),
    s('rect', { x, y, width: nodeSize.width, height: nodeSize.height, rx: 8 }),
    s('rect', { x, y, width: 6, height: nodeSize.height, rx: 3, class: 'sm-node-stripe' }),
    line(20, nodeKinds[id], 'sm-kind'),
    line(40, name.length > 26 ? `${name.slice(0, 25)}…` : name, 'sm-name'),
    line(62, node ? `requests ${node.requests}` : 'no data', 'sm-figure'),
    node ? line(80, `errors ${formatErrors(node.requests, node.errors)}`, `sm-figure sm-errors`) : null,
    latency ? line(98, latency, 'sm-figure') : null);
}

// The map in words, for screen readers.
function describeMap(map: ServiceMap): string {
  return `Service map: ${map.nodes.map(n => `${nodeKinds[n.id] ?? n.type} ${n.requests} requests, ${n.errors} errors`).join('; ')}`;
}
