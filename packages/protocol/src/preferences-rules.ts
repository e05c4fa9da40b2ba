import type { Preferences, QuietHours } from './preferences.ts';

export const DEFAULT_PREFERENCES: Preferences = {
  quietHours: null,
  sounds: { muted: false, volume: 0.6, message: true, mention: true, direct: true },
  theme: 'system',
};

/** Stored preferences (possibly older or partial) over the defaults. */
export function withDefaultPreferences(stored: Partial<Preferences> | null | undefined): Preferences {
  return {
    quietHours: stored?.quietHours ?? null,
    sounds: { ...DEFAULT_PREFERENCES.sounds, ...(stored?.sounds ?? {}) },
    theme: stored?.theme ?? DEFAULT_PREFERENCES.theme,
  };
}

/** Whether `at` falls inside the quiet hours (wall clock in their time zone; may span midnight). */
export function inQuietHours(quiet: QuietHours, at: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: quiet.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  const now = hour * 60 + minute;
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  const start = toMinutes(quiet.start);
  const end = toMinutes(quiet.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** A time zone the runtime knows (IANA name). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}
