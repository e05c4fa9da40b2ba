import { randomBytes } from 'node:crypto';
import type { TenantDb } from '@rosterchirp/db';
import type { SettingsStore } from '@rosterchirp/store';

/**
 * Without JWT_SECRET, the signing secret is generated once and kept in the database, so every
 * instance of a deployment (and every restart) signs and verifies with the same one.
 */
export async function loadOrCreateJwtSecret(settings: SettingsStore, publicDb: TenantDb): Promise<string> {
  return (await settings.setIfAbsent(
    publicDb,
    'jwt_secret',
    randomBytes(48).toString('base64url'),
  )) as string;
}
