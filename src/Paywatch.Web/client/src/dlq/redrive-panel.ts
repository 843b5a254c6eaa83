// Redrive in two steps: a redrive button asks, an inline confirm bar ([data-confirm]) does it, and a result banner
// (#redrive-result) says what was put back on the stream and what was kept, with why.
import { redrive, type RedriveResult } from '../api';
import { h, replace } from '../dom';
import { errorMessage } from '../ui/data-view';
import { describeRedrive } from './batch-info';

export interface RedrivePanel {
  confirmBar: HTMLElement;
  resultBanner: HTMLElement;
  /** Asks to confirm redriving these messages (all visible ones when ids is null). */
  ask(ids: string[] | null, what: string): void;
}

export function createRedrivePanel(afterRedrive: () => void): RedrivePanel {
  const confirmBar = h('div', { class: 'redrive-confirm', role: 'alertdialog', 'aria-label': 'Confirm the redrive', hidden: true });
  const resultBanner = h('div', { id: 'redrive-result', role: 'status', hidden: true });

  const close = () => {
    confirmBar.hidden = true;
    replace(confirmBar);
  };

  const run = async (ids: string[] | null, buttons: HTMLButtonElement[]) => {
    for (const button of buttons) button.disabled = true;
    try {
      showResult(resultBanner, await redrive(ids ?? undefined));
    } catch (error) {
      resultBanner.className = 'redrive-result error';
      replace(resultBanner, h('strong', {}, 'The redrive did not run: '), errorMessage(error), dismiss(resultBanner));
      resultBanner.hidden = false;
    }
    close();
    afterRedrive();
  };

  return {
    confirmBar,
    resultBanner,
    ask(ids, what) {
      const confirm = h('button', { type: 'button', class: 'primary', 'data-confirm': '' }, 'Redrive');
      const cancel = h('button', { type: 'button', 'data-cancel': '', onclick: close }, 'Cancel');
      confirm.addEventListener('click', () => void run(ids, [confirm, cancel]));
      replace(confirmBar,
        h('span', {}, `Put ${what} back on the stream? The processor will read the records again; the messages that are redriven leave the queue.`),
        confirm, cancel);
      confirmBar.hidden = false;
      confirm.focus({ preventScroll: true });
      confirmBar.scrollIntoView({ block: 'nearest' });
    },
  };
}

function showResult(banner: HTMLElement, result: RedriveResult): void {
  const lines = describeRedrive(result);
  const failed = lines.failed.length > 0;
  banner.className = `redrive-result ${failed ? 'partial' : 'done'}`;
  replace(banner,
    h('strong', {}, `Redriven: ${lines.redriven.length}`, failed ? ` · kept: ${lines.failed.length}` : ''),
    lines.redriven.length > 0 ? h('ul', { class: 'redriven' }, ...lines.redriven.map(l => h('li', { class: 'mono small' }, l))) : null,
    failed ? h('ul', { class: 'failed' }, ...lines.failed.map(l => h('li', { class: 'mono small' }, l))) : null,
    lines.redriven.length === 0 && !failed ? h('p', {}, 'There was nothing to redrive.') : null,
    dismiss(banner));
  banner.hidden = false;
}

function dismiss(banner: HTMLElement): HTMLElement {
  return h('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss', onclick: () => { banner.hidden = true; } }, '×');
}
