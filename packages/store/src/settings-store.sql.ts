import type { SettingsStore } from './settings-store.ts';

export const sqlSettingsStore: SettingsStore = {
  async get(db, key) {
    const { rows } = await db.query<{ value: unknown }>(`SELECT value FROM ${db.s}.settings WHERE key = $1`, [
      key,
    ]);
    return rows[0]?.value;
  },

  async getMany(db, keys) {
    const { rows } = await db.query<{ key: string; value: unknown }>(
      `SELECT key, value FROM ${db.s}.settings WHERE key = ANY($1::text[])`,
      [keys],
    );
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  },

  async set(db, key, value) {
    await db.query(
      `INSERT INTO ${db.s}.settings (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  },

  async setIfAbsent(db, key, value) {
    // The insert wins, or the existing row is read back. A concurrent insert that committed while
    // this statement waited is not in its snapshot: then one more read sees it.
    const { rows } = await db.query<{ value: unknown }>(
      `WITH put AS (
         INSERT INTO ${db.s}.settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING RETURNING value
       )
       SELECT value FROM put UNION ALL SELECT value FROM ${db.s}.settings WHERE key = $1 LIMIT 1`,
      [key, JSON.stringify(value)],
    );
    if (rows.length) return rows[0]?.value;
    return sqlSettingsStore.get(db, key);
  },
};
