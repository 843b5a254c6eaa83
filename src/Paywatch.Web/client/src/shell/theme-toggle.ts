// The header's theme button: auto / light / dark, remembered in localStorage, applied as data-theme on <html>
// (no attribute for auto, so that the stylesheet's prefers-color-scheme rule decides), then tells the charts.
import { THEME_CHANGE_EVENT } from '../charts/theme-colors';
import { h } from '../dom';
import { effectiveTheme, nextThemeChoice, readThemeChoice, THEME_STORAGE_KEY, type ThemeChoice } from './theme';

const LABELS: Record<ThemeChoice, string> = { auto: 'Theme: auto', light: 'Theme: light', dark: 'Theme: dark' };

function storedChoice(): ThemeChoice {
  try {
    return readThemeChoice(localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    return 'auto'; // storage can be off (private windows): the toggle still works for this visit
  }
}

function apply(choice: ThemeChoice): void {
  if (choice === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  dispatchEvent(new CustomEvent(THEME_CHANGE_EVENT));
}

export function themeToggle(): HTMLButtonElement {
  let choice = storedChoice();
  apply(choice);
  const systemDark = matchMedia('(prefers-color-scheme: dark)');
  const button = h('button', { type: 'button', class: 'theme-toggle', 'data-theme-choice': choice, title: 'Switch between automatic, light and dark' });
  const label = () => {
    button.textContent = LABELS[choice];
    button.dataset.themeChoice = choice;
    button.setAttribute('aria-label', `${LABELS[choice]} (showing ${effectiveTheme(choice, systemDark.matches)})`);
  };
  button.addEventListener('click', () => {
    choice = nextThemeChoice(choice);
    try {
      localStorage.setItem(THEME_STORAGE_KEY, choice);
    } catch { /* not remembered; still applied */ }
    apply(choice);
    label();
  });
  // In auto, a system switch changes the colours too.
  systemDark.addEventListener('change', () => { if (choice === 'auto') { apply(choice); label(); } });
  label();
  return button;
}
