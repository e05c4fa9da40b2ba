import type { TenantSettings } from '@rosterchirp/protocol/client';

/**
 * The page follows the workspace: its name in the title (with the unread count, and on the
 * installed app's badge), its icon as favicon, its colours as the theme.
 */
export function applyBranding(settings: TenantSettings | null, unread: number): void {
  const name = settings?.appName ?? 'RosterChirp';
  document.title = unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${name}` : name;
  const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  const iconUrl = settings?.iconUrl ?? '/icon.svg';
  if (icon && icon.getAttribute('href') !== iconUrl) {
    icon.setAttribute('href', iconUrl);
    icon.removeAttribute('type');
  }
  const root = document.documentElement.style;
  if (settings?.colors) {
    root.setProperty('--navy', settings.colors.primary);
    root.setProperty('--accent', settings.colors.accent);
    root.setProperty('--accent-strong', settings.colors.accent);
  } else {
    for (const v of ['--navy', '--accent', '--accent-strong']) root.removeProperty(v);
  }
  document
    .querySelector('meta[name="theme-color"]')
    ?.setAttribute('content', settings?.colors?.primary ?? '#1f2a44');
  const nav = navigator as Navigator & {
    setAppBadge?(n: number): Promise<void>;
    clearAppBadge?(): Promise<void>;
  };
  if (unread > 0) void nav.setAppBadge?.(unread).catch(() => undefined);
  else void nav.clearAppBadge?.().catch(() => undefined);
}
