// The chart colours come from the stylesheet's shared variables, read again whenever the theme changes.

/** Fired on window by the theme toggle (and on a system switch while in auto): charts re-read their colours. */
export const THEME_CHANGE_EVENT = 'paywatch:themechange';

export interface ThemeColors {
  fg: string;
  muted: string;
  grid: string;
  border: string;
  panel: string;
  alarm: string;
  font: string;
}

export function readThemeColors(): ThemeColors {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    fg: read('--fg', '#16191f'),
    muted: read('--muted', '#5f6b7a'),
    grid: read('--grid', '#e9ebed'),
    border: read('--border', '#d5dbdb'),
    panel: read('--panel', '#ffffff'),
    alarm: read('--alarm', '#d91515'),
    font: `11px ${read('--font-sans', 'system-ui, sans-serif')}`,
  };
}
