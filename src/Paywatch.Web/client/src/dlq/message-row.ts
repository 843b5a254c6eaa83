// A dead-letter message: the failed Kinesis batch it stands for (shard, sequence range, size, arrival times), why it
// failed, and its redrive button; the raw body on expand.
import type { DeadLetterMessage } from '../api';
import { h } from '../dom';
import { clockTime, jsonBlock, relativeTime } from '../ui/data-view';
import { batchInfo, failureCondition, shortSequence } from './batch-info';

export const messageColumns = '12rem minmax(12.5rem, 14rem) minmax(10rem, 12rem) minmax(10rem, 1fr) 4.5rem 6rem 6rem 5rem 6.5rem';

export function renderMessageHeader(): HTMLElement {
  return h('div', { class: 'pw-row pw-head' },
    ...['Sent (UTC)', 'Condition', 'Shard', 'Sequence range', 'Batch', 'First record', 'Last record', 'Receives', ''].map((t, i) =>
      h('span', { class: i === 4 || i === 7 ? 'num' : '' }, t)));
}

export function renderMessage(message: DeadLetterMessage, nowMs: number, askRedrive: (messageId: string) => void): HTMLElement {
  const batch = batchInfo(message);
  const time = (iso: string | undefined) => (iso ? clockTime(iso, nowMs) : '—');
  return h('details', { class: 'dlq-item', 'data-message-id': message.messageId },
    h('summary', { class: 'pw-row' },
      h('span', {}, clockTime(message.sent, nowMs), ' ', h('span', { class: 'muted small' }, relativeTime(message.sent, nowMs))),
      h('span', { class: 'cell-clip' }, failureCondition(message) ?? '—'),
      h('span', { class: 'mono cell-clip small' }, batch?.shardId || '—'),
      batch
        ? h('span', { class: 'mono cell-clip small', title: `${batch.startSequenceNumber} – ${batch.endSequenceNumber}` },
          `${shortSequence(batch.startSequenceNumber)} – ${shortSequence(batch.endSequenceNumber)}`)
        : h('span', { class: 'muted' }, 'not a Kinesis batch'),
      h('span', { class: 'num' }, batch ? batch.batchSize : '—'),
      h('span', {}, time(batch?.approximateArrivalOfFirstRecord)),
      h('span', {}, time(batch?.approximateArrivalOfLastRecord)),
      h('span', { class: 'num' }, message.receiveCount),
      h('span', {}, h('button', {
        type: 'button', 'data-redrive': message.messageId, title: 'Put this batch back on the stream',
        // A button in a <summary> would also open the row.
        onclick: (event: Event) => { event.preventDefault(); event.stopPropagation(); askRedrive(message.messageId); },
      }, 'Redrive'))),
    h('div', { class: 'pw-expanded' },
      h('dl', { class: 'dlq-facts' },
        h('dt', {}, 'Message id'), h('dd', { class: 'mono' }, message.messageId),
        h('dt', {}, 'Function'), h('dd', { class: 'mono' }, message.functionArn ?? '—'),
        ...(batch ? [
          h('dt', {}, 'Stream'), h('dd', { class: 'mono' }, batch.streamArn || '—'),
          h('dt', {}, 'Sequence numbers'), h('dd', { class: 'mono' }, `${batch.startSequenceNumber} – ${batch.endSequenceNumber}`),
        ] : [])),
      h('h4', {}, 'Body (the invocation record Lambda sent)'),
      jsonBlock(message.body)));
}
