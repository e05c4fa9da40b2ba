/**
 * Light or dark: the person's choice (kept on this device), or the system's — followed live.
 * Sets `data-theme` on <html>; the stylesheet's variables do the rest.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'rc.theme';
const dark = matchMedia('(prefers-color-scheme: dark)');

export function themeChoice(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

function apply(): void {
  const choice = themeChoice();
  const resolved = choice === 'system' ? (dark.matches ? 'dark' : 'light') : choice;
  document.documentElement.dataset.theme = resolved;
}

export function chooseTheme(choice: ThemeChoice): void {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  apply();
}

/** Once, before the first render. */
export function startTheme(): void {
  apply();
  dark.addEventListener('change', apply);
}
