import type { Device } from '@rosterchirp/protocol';

/** Device class for the one-session-per-class rule: explicit field first, then the User-Agent. */
export function deviceClass(explicit: Device | undefined, userAgent: string | undefined): Device {
  if (explicit) return explicit;
  return /Mobi|Android|iPhone|iPad|iPod/i.test(userAgent ?? '') ? 'mobile' : 'desktop';
}
