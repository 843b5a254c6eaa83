// What the dashboard gives each widget on a refresh, and what a widget gives back.
import type { Alarm } from '../../api';

export interface RefreshContext {
  startMs: number;
  endMs: number;
  /** The twin's clock now, for "since" times. */
  nowMs: number;
  /** The alarms, read once per refresh for all alarm widgets. */
  alarms(): Promise<Alarm[]>;
}

export interface WidgetRenderer {
  refresh(context: RefreshContext): Promise<void>;
  destroy(): void;
}
