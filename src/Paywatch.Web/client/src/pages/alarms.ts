import type { Page } from '../page';
import { h, replace } from '../dom';

// A placeholder until the page is built.
export const alarmsPage: Page = {
  id: 'alarms',
  title: 'Alarms',
  mount(root) {
    replace(root, h('p', {}, 'Alarms: not built yet.'));
    return () => {};
  },
};
