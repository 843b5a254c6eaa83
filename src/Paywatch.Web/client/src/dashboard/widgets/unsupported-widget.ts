// A widget type the twin does not draw: a clear placeholder, so that the rest of the dashboard still renders.
import type { WidgetFrame } from '../widget-frame';
import type { WidgetRenderer } from './types';

export function unsupportedWidget(frame: WidgetFrame, type: string, properties: Record<string, unknown>): WidgetRenderer {
  frame.setTitle(typeof properties.title === 'string' ? properties.title : `${type} widget`);
  frame.settle('empty', `Widget type "${type}" is not supported by the twin's dashboard.`);
  return { refresh: async () => {}, destroy: () => {} };
}
