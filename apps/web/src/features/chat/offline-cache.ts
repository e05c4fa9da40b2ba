import type { Group, TenantSettings, User } from '@rosterchirp/protocol/client';

const KEY = 'rc.offline';

/** What the app shows when it starts without a network: who was signed in and their list. */
export interface OfflineSnapshot {
  me: User;
  groups: Group[];
  settings: TenantSettings | null;
}

/** Kept on this device (this workspace's origin only) after every refresh of the list. */
export function saveSnapshot(snapshot: OfflineSnapshot): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(snapshot));
  } catch {
    // Storage full or disabled: the app still works online.
  }
}

export function loadSnapshot(): OfflineSnapshot | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as OfflineSnapshot) : null;
  } catch {
    return null;
  }
}

/** Signing out forgets it. */
export function clearSnapshot(): void {
  localStorage.removeItem(KEY);
}
