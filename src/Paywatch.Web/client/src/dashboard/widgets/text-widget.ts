// A text widget: its Markdown, rendered once (it has no data to refresh).
import { parseMarkdown } from '../markdown';
import { renderMarkdown } from '../markdown-dom';
import type { WidgetFrame } from '../widget-frame';
import type { WidgetRenderer } from './types';

export function textWidget(frame: WidgetFrame, properties: Record<string, unknown>): WidgetRenderer {
  const markdown = typeof properties.markdown === 'string' ? properties.markdown : '';
  if (properties.background === 'transparent') frame.element.classList.add('transparent');
  frame.setTitle('');
  frame.body.classList.add('markdown');
  frame.body.append(...renderMarkdown(parseMarkdown(markdown)));
  frame.settle(markdown.trim() === '' ? 'empty' : 'ready', 'This text widget has no markdown.');
  return { refresh: async () => {}, destroy: () => {} };
}
