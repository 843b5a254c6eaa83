// The renderer for each widget type of the dashboard body.
import type { Widget } from '../../api';
import type { WidgetFrame } from '../widget-frame';
import { alarmWidget } from './alarm-widget';
import { logWidget } from './log-widget';
import { metricWidget } from './metric-widget';
import { textWidget } from './text-widget';
import type { WidgetRenderer } from './types';
import { unsupportedWidget } from './unsupported-widget';

export function createWidget(widget: Widget, frame: WidgetFrame): WidgetRenderer {
  const properties = widget.properties ?? {};
  switch (widget.type) {
    case 'metric': return metricWidget(frame, properties);
    case 'alarm': return alarmWidget(frame, properties);
    case 'log': return logWidget(frame, properties);
    case 'text': return textWidget(frame, properties);
    default: return unsupportedWidget(frame, String(widget.type), properties);
  }
}
