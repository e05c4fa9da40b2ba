import type { TenantDb } from '@rosterchirp/db';
import { generatePassword, hashPassword } from './passwords.ts';
import { DEFAULT_SETTINGS, type SettingsService } from './settings-service.ts';
import type { UserService } from './user-service.ts';

export interface SeedInput {
  admin: { email: string; name: string; password: string | undefined; resetPassword: boolean };
  defaultChatName: string;
}

export interface SeedResult {
  /** Set only when the admin was created (or reset) with a generated password: print it once. */
  generatedAdminPassword?: string;
  adminCreated: boolean;
}

const EVENT_TYPES: Array<[string, string]> = [
  ['Meeting', '#1a73e8'],
  ['Training', '#34a853'],
  ['Game', '#ea4335'],
  ['Social', '#a142f4'],
  ['Other', '#5f6368'],
];

/** First-start seed of docs/PRODUCT.md §1; safe to run on every start. */
export async function seedTenant(
  db: TenantDb,
  deps: { users: UserService; settings: SettingsService },
  input: SeedInput,
): Promise<SeedResult> {
  for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
    await db.query(
      `INSERT INTO ${db.s}.settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING`,
      [key, JSON.stringify(value)],
    );
  }
  await db.query(
    `INSERT INTO ${db.s}.event_types (name, colour) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (name) DO NOTHING`,
    [EVENT_TYPES.map((t) => t[0]), EVENT_TYPES.map((t) => t[1])],
  );

  const result: SeedResult = { adminCreated: false };
  const existing = await db.query<{ id: number }>(
    `SELECT id FROM ${db.s}.users WHERE lower(email) = lower($1)`,
    [input.admin.email],
  );
  if (!existing.rows[0]) {
    const password = input.admin.password ?? generatePassword();
    try {
      await deps.users.create(db, {
        email: input.admin.email,
        name: input.admin.name,
        password,
        role: 'admin',
      });
      result.adminCreated = true;
      if (!input.admin.password) result.generatedAdminPassword = password;
    } catch (err) {
      // Another instance seeded the admin at the same moment: fine.
      if ((err as { code?: string }).code !== 'CONFLICT') throw err;
    }
  } else if (input.admin.resetPassword) {
    const password = input.admin.password ?? generatePassword();
    await db.query(`UPDATE ${db.s}.users SET password_hash = $2, status = 'active' WHERE id = $1`, [
      existing.rows[0].id,
      await hashPassword(password),
    ]);
    if (!input.admin.password) result.generatedAdminPassword = password;
  }

  if ((await deps.settings.get(db, 'default_chat_id')) === undefined) {
    await db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rosterchirp:seed:${db.schema}`]);
      const again = await q.query(`SELECT 1 FROM ${db.s}.settings WHERE key = 'default_chat_id'`);
      if (again.rowCount) return;
      const { rows } = await q.query<{ id: number }>(
        `INSERT INTO ${db.s}.groups (type, name) VALUES ('public', $1) RETURNING id`,
        [input.defaultChatName],
      );
      await q.query(`INSERT INTO ${db.s}.settings (key, value) VALUES ('default_chat_id', $1::jsonb)`, [
        JSON.stringify(rows[0]!.id),
      ]);
    });
  }
  return result;
}
