// The dead-letter queue page: the queue's counts, the failed Kinesis batches it holds, and redrive (per message or
// all) with an inline confirm and a result banner. Refreshed in place every context.refreshSeconds.
import { getDeadLetterQueue, type DeadLetterQueueView } from '../api';
import type { Page } from '../page';
import { h, replace } from '../dom';
import { createDataView, refreshRelativeTimes, startPolling, syncList } from '../ui/data-view';
import { messageColumns, renderMessage, renderMessageHeader } from '../dlq/message-row';
import { createRedrivePanel } from '../dlq/redrive-panel';
import '../ui/data-view.css';
import '../dlq/dlq.css';

export const dlqPage: Page = {
  id: 'dlq',
  title: 'Dead-letter queue',
  mount(root, context) {
    const queueView = createDataView({ id: 'dlq-queue', class: 'dlq-queue-view' }, context.nowMs);
    const messagesView = createDataView({ id: 'dlq-messages', class: 'dlq-messages-view' }, context.nowMs);
    const rows = h('div', {});
    const table = h('div', { class: 'pw-list', style: `--columns: ${messageColumns}` }, renderMessageHeader(), rows);
    const panel = createRedrivePanel(() => polling.now());
    const redriveAll = h('button', { type: 'button', id: 'redrive-all', disabled: true }, 'Redrive all');
    let visible = 0;
    redriveAll.addEventListener('click', () => panel.ask(null, `the batches of all ${visible} visible ${visible === 1 ? 'message' : 'messages'}`));

    const showQueue = (view: DeadLetterQueueView) => {
      const queue = view.queue;
      visible = queue.visible;
      redriveAll.disabled = queue.visible === 0;
      replace(redriveAll, queue.visible > 0 ? `Redrive all (${queue.visible})` : 'Redrive all');
      queueView.ready(h('div', { class: 'dlq-queue' },
        h('div', { class: 'dlq-queue-name' }, h('span', { class: 'muted small' }, 'Queue'), h('span', { class: 'mono', title: queue.arn }, queue.name)),
        h('div', { class: 'dlq-count' }, h('span', { class: 'muted small' }, 'Visible'), h('strong', {}, queue.visible)),
        h('div', { class: 'dlq-count' }, h('span', { class: 'muted small' }, 'In flight'), h('strong', {}, queue.inFlight)),
        redriveAll));
    };

    const polling = startPolling(async isCurrent => {
      queueView.loading();
      messagesView.loading();
      try {
        const view = await getDeadLetterQueue();
        if (!isCurrent()) return;
        showQueue(view);
        if (view.messages.length === 0) {
          messagesView.empty('No failed batches — the processor sends a batch here only when it still fails after its retries.');
          return;
        }
        const nowMs = context.nowMs();
        syncList(rows, view.messages, m => m.messageId, m => renderMessage(m, nowMs, id => panel.ask([id], `the batch of message ${id}`)));
        refreshRelativeTimes(rows, nowMs);
        messagesView.ready(table);
      } catch (error) {
        if (!isCurrent()) return;
        queueView.fail(error);
        messagesView.fail(error);
      }
    }, context.refreshSeconds);

    replace(root, h('div', { class: 'pw-page dlq-page' },
      h('h2', {}, 'Dead-letter queue'),
      queueView.root,
      panel.confirmBar,
      panel.resultBanner,
      h('h2', {}, 'Failed batches'),
      messagesView.root));
    return () => polling.stop();
  },
};
