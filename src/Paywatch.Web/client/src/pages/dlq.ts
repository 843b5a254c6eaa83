import type { Page } from '../page';
import { h, replace } from '../dom';

// A placeholder until the page is built.
export const dlqPage: Page = {
  id: 'dlq',
  title: 'Dead-letter queue',
  mount(root) {
    replace(root, h('p', {}, 'Dead-letter queue: not built yet.'));
    return () => {};
  },
};
