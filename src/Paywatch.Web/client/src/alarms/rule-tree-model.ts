// A composite alarm's rule tree (as the API parses it) as rows to draw: one row per node in reading order, with its
// depth, so that the view is a flat, indented list that is easy to keep in step with the data.
import type { AlarmStateValue, RuleTreeNode } from '../api';

export interface RuleTreeRow {
  depth: number;
  kind: 'operator' | 'leaf' | 'constant';
  /** "AND", "OR", "NOT", "TRUE", "FALSE", or a leaf as the rule writes it: ALARM("name"). */
  label: string;
  /** Whether the node is true now. */
  value: boolean;
  /** For a leaf: the alarm it names and that alarm's state now (null when the API did not know it). */
  alarmName?: string;
  alarmState?: AlarmStateValue | null;
}

export function flattenRuleTree(root: RuleTreeNode): RuleTreeRow[] {
  const rows: RuleTreeRow[] = [];
  const visit = (node: RuleTreeNode, depth: number) => {
    rows.push(describe(node, depth));
    for (const child of node.children ?? []) visit(child, depth + 1);
  };
  visit(root, 0);
  return rows;
}

function describe(node: RuleTreeNode, depth: number): RuleTreeRow {
  switch (node.op) {
    case 'STATE': {
      const alarmName = node.alarmName ?? '';
      // The rule's own spelling (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html).
      const label = `${node.function ?? 'ALARM'}(${JSON.stringify(alarmName)})`;
      return { depth, kind: 'leaf', label, value: node.value, alarmName, alarmState: node.alarmState ?? null };
    }
    case 'TRUE':
    case 'FALSE':
      return { depth, kind: 'constant', label: node.op, value: node.value };
    default:
      return { depth, kind: 'operator', label: node.op, value: node.value };
  }
}
