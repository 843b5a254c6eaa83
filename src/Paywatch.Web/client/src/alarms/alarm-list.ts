// Which alarms the page lists and in what order: composites first (they summarise the others), then by name; a
// state filter narrows the list.
import type { Alarm, AlarmStateValue } from '../api';

export type StateFilter = 'ALL' | AlarmStateValue;

export const stateFilters: StateFilter[] = ['ALL', 'ALARM', 'INSUFFICIENT_DATA', 'OK'];

export function orderAlarms(alarms: readonly Alarm[]): Alarm[] {
  const rank = (a: Alarm) => (a.type === 'CompositeAlarm' ? 0 : 1);
  return [...alarms].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export function filterAlarms(alarms: readonly Alarm[], filter: StateFilter): Alarm[] {
  return filter === 'ALL' ? [...alarms] : alarms.filter(a => a.state === filter);
}

export function countByState(alarms: readonly Alarm[]): Record<StateFilter, number> {
  const counts: Record<StateFilter, number> = { ALL: alarms.length, ALARM: 0, INSUFFICIENT_DATA: 0, OK: 0 };
  for (const alarm of alarms) counts[alarm.state]++;
  return counts;
}

/** The CSS class of a state's badge (the shell styles .badge.ok/.alarm/.insufficient). */
export function stateClass(state: AlarmStateValue | null | undefined): string {
  switch (state) {
    case 'OK': return 'ok';
    case 'ALARM': return 'alarm';
    case 'INSUFFICIENT_DATA': return 'insufficient';
    default: return 'unknown';
  }
}
