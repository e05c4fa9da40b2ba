import type { SeedStore } from './seed-store.ts';

export const sqlSeedStore: SeedStore = {
  async seedEventTypes(db, types) {
    await db.query(
      `INSERT INTO ${db.s}.event_types (name, colour) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (name) DO NOTHING`,
      [types.map((t) => t.name), types.map((t) => t.colour)],
    );
  },

  async ensureDefaultChat(db, name) {
    await db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rosterchirp:seed:${db.schema}`]);
      const again = await q.query(`SELECT 1 FROM ${db.s}.settings WHERE key = 'default_chat_id'`);
      if (again.rowCount) return;
      const { rows } = await q.query<{ id: number }>(
        `INSERT INTO ${db.s}.groups (type, name) VALUES ('public', $1) RETURNING id`,
        [name],
      );
      await q.query(`INSERT INTO ${db.s}.settings (key, value) VALUES ('default_chat_id', $1::jsonb)`, [
        JSON.stringify(rows[0]!.id),
      ]);
    });
  },
};
