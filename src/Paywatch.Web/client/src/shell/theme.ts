// The theme choice: auto (follow prefers-color-scheme), light or dark; the toggle cycles through them.

export type ThemeChoice = 'auto' | 'light' | 'dark';

const CHOICES: readonly ThemeChoice[] = ['auto', 'light', 'dark'];
export const THEME_STORAGE_KEY = 'paywatch.theme';

export const readThemeChoice = (stored: string | null): ThemeChoice =>
  CHOICES.includes(stored as ThemeChoice) ? (stored as ThemeChoice) : 'auto';

export const nextThemeChoice = (choice: ThemeChoice): ThemeChoice => CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length]!;

/** The theme in effect: the choice, or the system's preference for auto. */
export const effectiveTheme = (choice: ThemeChoice, systemPrefersDark: boolean): 'light' | 'dark' =>
  choice === 'auto' ? (systemPrefersDark ? 'dark' : 'light') : choice;
