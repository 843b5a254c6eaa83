// The box every widget sits in: its grid cell, title, a note line (stale data, per-query problems) and a body.
// It carries the test hooks: data-widget-index, data-widget-type, data-state.
import { h, replace } from '../dom';
import type { GridPlacement } from './layout';
import { parseInline } from './markdown';
import { renderInline } from './markdown-dom';

export type WidgetState = 'loading' | 'ready' | 'empty' | 'error';

export class WidgetFrame {
  readonly element: HTMLElement;
  readonly body: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly note: HTMLElement;
  private readonly placeholder: HTMLElement;
  private settled = false;

  constructor(index: number, type: string, placement: GridPlacement, order: number, private readonly onFirstSettle: () => void) {
    this.heading = h('h2', { class: 'widget-title' });
    this.note = h('div', { class: 'widget-note', hidden: true });
    this.body = h('div', { class: 'widget-body' });
    this.placeholder = h('div', { class: 'widget-placeholder loading' }, 'Loading…');
    this.element = h('section', {
      class: `widget widget-${type.replace(/[^a-z0-9-]/gi, '')}`,
      'data-widget-index': index,
      'data-widget-type': type,
      'data-state': 'loading',
      style: `grid-column:${placement.x + 1} / span ${placement.width};grid-row:${placement.y + 1} / span ${placement.height};--h:${placement.height};order:${order}`,
    }, h('header', { class: 'widget-header' }, this.heading), this.note, this.body, this.placeholder);
  }

  setTitle(title: string): void {
    this.heading.textContent = title;
    this.heading.title = title;
    this.heading.hidden = title === '';
  }

  /** Data arrived: ready, or empty with what would make data appear. Clears a stale note. */
  settle(state: 'ready' | 'empty', emptyText = ''): void {
    this.setState(state);
    this.setNote(null);
    this.placeholder.hidden = state === 'ready';
    this.placeholder.className = 'widget-placeholder empty';
    // The empty text may name commands as `code`: they are shown as code (text nodes, never markup).
    if (state === 'empty') replace(this.placeholder, h('span', {}, ...renderInline(parseInline(emptyText))));
    this.body.hidden = state === 'empty';
  }

  /** A request failed: with data already shown, it stays and is marked stale; without, the error takes its place. */
  fail(message: string, hasData: boolean): void {
    this.setState('error');
    if (hasData) {
      this.setNote('stale', `Showing the last data (stale): ${message}`);
      return;
    }
    this.body.hidden = true;
    this.placeholder.hidden = false;
    this.placeholder.className = 'widget-placeholder error';
    replace(this.placeholder, message);
  }

  /** A line under the title: a warning (a query the server could not run) or the stale notice; null clears it. */
  setNote(kind: 'stale' | 'warning' | null, text = ''): void {
    this.note.hidden = kind === null;
    this.note.className = `widget-note ${kind ?? ''}`;
    this.note.textContent = text;
  }

  private setState(state: WidgetState): void {
    this.element.dataset.state = state;
    if (!this.settled) {
      this.settled = true;
      this.onFirstSettle();
    }
  }
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
