import { randomBytes } from 'node:crypto';
import type { TenantDb } from '@rosterchirp/db';

/**
 * Without JWT_SECRET, the signing secret is generated once and kept in the database, so every
 * instance of a deployment (and every restart) signs and verifies with the same one.
 */
export async function loadOrCreateJwtSecret(publicDb: TenantDb): Promise<string> {
  await publicDb.query(
    `INSERT INTO ${publicDb.s}.settings (key, value) VALUES ('jwt_secret', $1::jsonb) ON CONFLICT (key) DO NOTHING`,
    [JSON.stringify(randomBytes(48).toString('base64url'))],
  );
  const { rows } = await publicDb.query<{ value: string }>(
    `SELECT value FROM ${publicDb.s}.settings WHERE key = 'jwt_secret'`,
  );
  return rows[0]!.value;
}
