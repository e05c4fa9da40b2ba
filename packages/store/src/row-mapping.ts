import type { Row } from '@rosterchirp/db';
import type { User } from '@rosterchirp/protocol';

/** Row → API shapes. Upload URLs are made here, at read time, from stored keys. */
export const uploadUrl = (key: unknown): string | null =>
  typeof key === 'string' && key ? `/api/uploads/${key}` : null;
export const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : null);
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The columns `toUser` reads, from a `users` table aliased `u`. */
export const USER_COLUMNS =
  'u.id, u.email, u.name, u.display_name, u.handle, u.role, u.status, u.avatar_key, u.about_me, u.last_online, u.must_change_password, u.phone, u.totp_enabled_at, u.bot_scopes';

export function toUser(r: Row): User {
  return {
    id: r.id as number,
    email: r.email as string,
    name: r.name as string,
    displayName: str(r.display_name),
    handle: r.handle as string,
    role: r.role as User['role'],
    status: r.status as User['status'],
    avatarUrl: uploadUrl(r.avatar_key),
    aboutMe: str(r.about_me),
    phone: str(r.phone),
    lastOnline: iso(r.last_online),
    mustChangePassword: r.must_change_password === true,
    totpEnabled: r.totp_enabled_at instanceof Date,
    ...(Array.isArray(r.bot_scopes) ? { bot: true, botScopes: r.bot_scopes as string[] } : {}),
  };
}
