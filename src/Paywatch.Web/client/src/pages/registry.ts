// The pages in navigation order; the first is the home page.
import type { Page } from '../page';
import { dashboardPage } from './dashboard';
import { alarmsPage } from './alarms';
import { tracesPage } from './traces';
import { eventsPage } from './events';
import { dlqPage } from './dlq';

export const pages: Page[] = [dashboardPage, alarmsPage, tracesPage, eventsPage, dlqPage];
