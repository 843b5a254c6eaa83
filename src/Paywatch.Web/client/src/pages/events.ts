import type { Page } from '../page';
import { h, replace } from '../dom';

// A placeholder until the page is built.
export const eventsPage: Page = {
  id: 'events',
  title: 'Events',
  mount(root) {
    replace(root, h('p', {}, 'Events: not built yet.'));
    return () => {};
  },
};
