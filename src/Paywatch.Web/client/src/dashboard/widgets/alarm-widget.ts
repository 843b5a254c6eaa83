// An alarm status widget: the alarms its properties list (by ARN), sorted and filtered as CloudWatch does, each with
// its state badge and since when. Each item carries data-alarm-name and data-alarm-state.
import type { AlarmStateValue } from '../../api';
import { formatAgo, formatUtcDateTime } from '../../charts/format';
import { h, replace } from '../../dom';
import { alarmNameOf, selectAlarms, type AlarmEntry } from '../alarm-list';
import { errorMessage, type WidgetFrame } from '../widget-frame';
import type { RefreshContext, WidgetRenderer } from './types';

const BADGE: Record<AlarmStateValue, { className: string; text: string }> = {
  OK: { className: 'ok', text: 'OK' },
  ALARM: { className: 'alarm', text: 'In alarm' },
  INSUFFICIENT_DATA: { className: 'insufficient', text: 'Insufficient data' },
};

export function alarmWidget(frame: WidgetFrame, properties: Record<string, unknown>): WidgetRenderer {
  frame.setTitle(typeof properties.title === 'string' ? properties.title : 'Alarms');
  const list = h('ul', { class: 'alarm-list' });
  frame.body.append(list);
  let hasData = false;

  const item = (entry: AlarmEntry, nowMs: number) => {
    if (!entry.alarm) {
      return h('li', { class: 'alarm-item missing', 'data-alarm-name': alarmNameOf(entry.arn) },
        h('span', { class: 'badge' }, 'Not found'), h('span', { class: 'alarm-name' }, alarmNameOf(entry.arn)),
        h('span', { class: 'alarm-since muted' }, 'The twin has no alarm with this ARN'));
    }
    const { alarm } = entry;
    const since = Date.parse(alarm.stateUpdated);
    return h('li', { class: `alarm-item state-${BADGE[alarm.state].className}`, 'data-alarm-name': alarm.name, 'data-alarm-state': alarm.state, title: alarm.reason },
      h('span', { class: `badge ${BADGE[alarm.state].className}` }, BADGE[alarm.state].text),
      h('a', { class: 'alarm-name', href: '#/alarms' }, alarm.name),
      h('span', { class: 'alarm-since muted', title: Number.isFinite(since) ? formatUtcDateTime(since) : '' },
        Number.isFinite(since) ? `since ${formatAgo(since, nowMs)}` : ''),
    );
  };

  return {
    async refresh(context: RefreshContext) {
      try {
        const entries = selectAlarms(properties, await context.alarms());
        replace(list, ...entries.map(entry => item(entry, context.nowMs)));
        hasData = true;
        frame.settle(entries.length > 0 ? 'ready' : 'empty',
          Array.isArray(properties.alarms) && properties.alarms.length > 0
            ? 'No alarm of this widget is in the states it shows.'
            : 'This widget lists no alarms: add alarm ARNs to its "alarms" property.');
      } catch (error) {
        frame.fail(errorMessage(error), hasData);
      }
    },
    destroy: () => {},
  };
}
