import type { Page } from '../page';
import { mountDashboard } from '../dashboard/dashboard-view';

// The home page: the CloudWatch dashboard of config/dashboard, drawn from the twin's metrics, alarms and logs.
export const dashboardPage: Page = {
  id: 'dashboard',
  title: 'Dashboard',
  mount: mountDashboard,
};
