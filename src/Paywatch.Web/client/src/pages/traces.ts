import type { Page } from '../page';
import { h, replace } from '../dom';

// A placeholder until the page is built.
export const tracesPage: Page = {
  id: 'traces',
  title: 'Traces',
  mount(root) {
    replace(root, h('p', {}, 'Traces: not built yet.'));
    return () => {};
  },
};
