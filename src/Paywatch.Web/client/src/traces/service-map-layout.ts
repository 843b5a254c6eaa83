// The service map's fixed layout: the pipeline left to right (stream → processor → bus → topic) and the dead-letter
// queue under the processor, which receives only the batches that failed. Coordinates are in the SVG's viewBox.
import type { ServiceNode } from '../api';

export type NodeId = ServiceNode['id'];

export const mapSize = { width: 1000, height: 300 };
export const nodeSize = { width: 200, height: 112 };

export const nodePositions: Record<NodeId, { x: number; y: number }> = {
  kinesis: { x: 4, y: 8 },
  processor: { x: 268, y: 8 },
  eventbridge: { x: 532, y: 8 },
  sns: { x: 796, y: 8 },
  sqs: { x: 268, y: 184 },
};

export const nodeOrder: readonly NodeId[] = ['kinesis', 'processor', 'eventbridge', 'sns', 'sqs'];

/** What each node is, in words, for nodes the response does not name. */
export const nodeKinds: Record<NodeId, string> = {
  kinesis: 'Kinesis stream',
  processor: 'Lambda processor',
  eventbridge: 'EventBridge bus',
  sns: 'SNS topic',
  sqs: 'SQS dead-letter queue',
};

export interface EdgeGeometry {
  x1: number; y1: number; x2: number; y2: number;
  /** Where the edge's label goes, and how it is anchored there. */
  labelX: number; labelY: number; anchor: 'middle' | 'start';
}

/** A straight edge between two boxes: side to side when they are on one row, bottom to top when one is below. */
export function edgeGeometry(from: NodeId, to: NodeId): EdgeGeometry {
  const a = nodePositions[from];
  const b = nodePositions[to];
  if (a.y === b.y) {
    const leftToRight = a.x < b.x;
    const x1 = leftToRight ? a.x + nodeSize.width : a.x;
    const x2 = leftToRight ? b.x : b.x + nodeSize.width;
    const y = a.y + nodeSize.height / 2;
    return { x1, y1: y, x2, y2: y, labelX: (x1 + x2) / 2, labelY: y - 8, anchor: 'middle' };
  }
  const x = a.x + nodeSize.width / 2;
  const downwards = a.y < b.y;
  const y1 = downwards ? a.y + nodeSize.height : a.y;
  const y2 = downwards ? b.y : b.y + nodeSize.height;
  return { x1: x, y1, x2: x, y2, labelX: x + 10, labelY: (y1 + y2) / 2 + 4, anchor: 'start' };
}
