// The Events page's rows: a rule with its counters (its pattern on expand), and a routed event with what the
// transaction was and which notification carried it (its detail and the target input on expand).
import type { RoutedEventItem, RuleSummary } from '../api';
import { h } from '../dom';
import { clockTime, jsonBlock, relativeTime } from '../ui/data-view';
import { formatAmount, summarizeDetail } from './event-summary';

export const ruleColumns = 'minmax(14rem, 1fr) 7rem 7rem 7rem';
export const eventColumns = '11rem minmax(9rem, 10.5rem) minmax(8rem, 10rem) minmax(12rem, 19rem) 8.5rem 6.5rem minmax(12rem, 1fr)';

export function renderRuleHeader(): HTMLElement {
  return h('div', { class: 'pw-row pw-head' }, h('span', {}, 'Rule'), h('span', { class: 'num' }, 'Matched'), h('span', { class: 'num' }, 'Invocations'), h('span', { class: 'num' }, 'Failed'));
}

export function renderRule(rule: RuleSummary): HTMLElement {
  return h('details', { class: 'rule-item', 'data-rule-name': rule.name },
    h('summary', { class: 'pw-row' },
      h('span', { class: 'mono cell-clip' }, rule.name),
      h('span', { class: 'num' }, rule.matchedEvents),
      h('span', { class: 'num' }, rule.invocations),
      h('span', { class: `num${rule.failedInvocations > 0 ? ' failed-count' : ''}` }, rule.failedInvocations)),
    h('div', { class: 'pw-expanded' },
      h('h4', {}, 'Event pattern'),
      jsonBlock(rule.eventPattern),
      h('p', { class: 'muted small mono' }, rule.arn)));
}

export function renderEventHeader(): HTMLElement {
  return h('div', { class: 'pw-row pw-head' },
    ...['Time (UTC)', 'Rule', 'Detail type', 'Transaction', 'Amount', 'Status', 'Notification'].map((t, i) => h('span', { class: i === 4 ? 'num' : '' }, t)));
}

export function eventKey(event: RoutedEventItem): string {
  return `${event.rule}/${event.eventId}`;
}

export function renderEvent(event: RoutedEventItem, nowMs: number): HTMLElement {
  const summary = summarizeDetail(event.detail);
  const notification = event.notification;
  return h('details', { class: 'event-item', 'data-event-id': event.eventId, 'data-rule': event.rule },
    h('summary', { class: 'pw-row' },
      h('span', {}, clockTime(event.time, nowMs), ' ', h('span', { class: 'muted small' }, relativeTime(event.time, nowMs))),
      h('span', { class: 'mono cell-clip', title: event.rule }, event.rule),
      h('span', { class: 'cell-clip', title: event.detailType }, event.detailType),
      h('span', { class: 'mono cell-clip', title: summary.transactionId ?? '' }, summary.transactionId ?? '—'),
      h('span', { class: 'num' }, formatAmount(summary.amount, summary.currency)),
      h('span', {}, summary.status ?? '—'),
      notification
        ? h('span', { class: 'cell-clip', title: `Message ${notification.messageId}` },
          ...(notification.subject
            ? [h('span', { class: 'mono small' }, shortId(notification.messageId)), ' ', notification.subject]
            : [h('span', { class: 'mono small' }, notification.messageId)]))
        : h('span', { class: 'muted' }, 'not in recent notifications')),
    h('div', { class: 'pw-expanded' },
      h('h4', {}, 'Detail'),
      jsonBlock(event.detail),
      h('h4', {}, 'Target input (what the rule sent to the topic)'),
      jsonBlock(event.targetInput),
      h('p', { class: 'muted small' }, 'Event ', h('span', { class: 'mono' }, event.eventId),
        ...(notification ? ['; notification ', h('span', { class: 'mono' }, notification.messageId), ' at ', clockTime(notification.timestamp, nowMs)] : []))));
}

// Message ids are UUIDs: the first group tells them apart in a list; the whole id is in the title and on expand.
function shortId(id: string): string {
  const first = id.split('-')[0] ?? id;
  return first.length < id.length ? `${first}…` : id;
}
