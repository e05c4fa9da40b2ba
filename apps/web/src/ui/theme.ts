/**
 * Light or dark: the person's choice (kept on this device), or the system's — followed live.
 * Sets `data-theme` (and `data-density`) on <html>; the stylesheet does the rest.
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
  document.documentElement.dataset.density = density();
  dark.addEventListener('change', apply);
}

/** Message rows: comfortable (default) or compact, kept on this device. */
export type Density = 'comfortable' | 'compact';
const DENSITY = 'rc.density';

export function density(): Density {
  return localStorage.getItem(DENSITY) === 'compact' ? 'compact' : 'comfortable';
}

export function chooseDensity(choice: Density): void {
  if (choice === 'compact') localStorage.setItem(DENSITY, choice);
  else localStorage.removeItem(DENSITY);
  document.documentElement.dataset.density = choice;
}
