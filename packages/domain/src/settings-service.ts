import type { TenantDb } from '@rosterchirp/db';

/** Per-tenant settings in the tenant's `settings` table (docs/PRODUCT.md §8). */
export interface SettingValues {
  app_name: string;
  registration_open: boolean;
  default_chat_id: number;
}

export const DEFAULT_SETTINGS: Omit<SettingValues, 'default_chat_id'> = {
  app_name: 'RosterChirp',
  registration_open: false,
};

export function createSettingsService() {
  return {
    async get<K extends keyof SettingValues>(db: TenantDb, key: K): Promise<SettingValues[K] | undefined> {
      const { rows } = await db.query<{ value: SettingValues[K] }>(
        `SELECT value FROM ${db.s}.settings WHERE key = $1`,
        [key],
      );
      return rows[0]?.value;
    },
    async set<K extends keyof SettingValues>(db: TenantDb, key: K, value: SettingValues[K]): Promise<void> {
      await db.query(
        `INSERT INTO ${db.s}.settings (key, value) VALUES ($1, $2::jsonb)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [key, JSON.stringify(value)],
      );
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
