// Which alarms an alarm widget lists, in which order, following the widget's properties
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html,
// "Properties of an Alarm Status Widget Object"): sortBy "default" (or none) is alphabetical by name;
// "stateUpdatedTimestamp" is ALARM first, then INSUFFICIENT_DATA, then OK, each most recently changed first;
// "timestamp" is most recently changed first whatever the state. "states" keeps only the alarms in those states.
import type { Alarm, AlarmStateValue } from '../api';

export type AlarmEntry = { arn: string; alarm: Alarm } | { arn: string; alarm: null };

const STATE_RANK: Record<AlarmStateValue, number> = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };
const STATES = new Set<string>(Object.keys(STATE_RANK));

/** The name an ARN ends with: "arn:aws:cloudwatch:eu-west-1:123:alarm:name" gives "name". */
export const alarmNameOf = (arn: string) => arn.slice(arn.lastIndexOf(':alarm:') >= 0 ? arn.lastIndexOf(':alarm:') + 7 : 0);

export function selectAlarms(properties: Record<string, unknown>, alarms: readonly Alarm[]): AlarmEntry[] {
  const arns = Array.isArray(properties.alarms) ? properties.alarms.filter((a): a is string => typeof a === 'string') : [];
  const byArn = new Map(alarms.map(alarm => [alarm.arn, alarm]));
  const states = Array.isArray(properties.states) ? properties.states.filter((s): s is string => STATES.has(s as string)) : [];
  let entries: AlarmEntry[] = arns.map(arn => ({ arn, alarm: byArn.get(arn) ?? null }));
  // An alarm the twin does not know has no state to filter on: it stays, so that the widget says it is missing.
  if (states.length > 0) entries = entries.filter(entry => entry.alarm === null || states.includes(entry.alarm.state));
  const name = (entry: AlarmEntry) => entry.alarm?.name ?? alarmNameOf(entry.arn);
  const updated = (entry: AlarmEntry) => (entry.alarm ? Date.parse(entry.alarm.stateUpdated) : -Infinity);
  const rank = (entry: AlarmEntry) => (entry.alarm ? STATE_RANK[entry.alarm.state] : 3);
  const byName = (a: AlarmEntry, b: AlarmEntry) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
  const byRecent = (a: AlarmEntry, b: AlarmEntry) => updated(b) - updated(a);
  switch (properties.sortBy) {
    case 'stateUpdatedTimestamp':
      return entries.sort((a, b) => rank(a) - rank(b) || byRecent(a, b) || byName(a, b));
    case 'timestamp':
      return entries.sort((a, b) => byRecent(a, b) || byName(a, b));
    default:
      return entries.sort(byName);
  }
}
