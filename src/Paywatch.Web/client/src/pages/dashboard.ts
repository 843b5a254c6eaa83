import type { Page } from '../page';
import { h, replace } from '../dom';

// A placeholder until the page is built.
export const dashboardPage: Page = {
  id: 'dashboard',
  title: 'Dashboard',
  mount(root) {
    replace(root, h('p', {}, 'Dashboard: not built yet.'));
    return () => {};
  },
};
