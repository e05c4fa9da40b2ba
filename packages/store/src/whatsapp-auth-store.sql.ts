import type { WhatsappAuthStore } from './whatsapp-auth-store.ts';

export const sqlWhatsappAuthStore: WhatsappAuthStore = {
  async read(db, tenant, category, ids) {
    if (ids.length === 0) return new Map();
    const { rows } = await db.query<{ key_id: string; value: string }>(
      `SELECT key_id, value FROM ${db.s}.whatsapp_auth
       WHERE tenant = $1 AND category = $2 AND key_id = ANY($3::text[])
         AND (expires_at IS NULL OR expires_at > now())`,
      [tenant, category, ids],
    );
    return new Map(rows.map((r) => [r.key_id, r.value]));
  },

  async write(db, tenant, rows) {
    // The last write of a key in one batch wins (as it would one by one).
    const last = new Map<string, (typeof rows)[number]>();
    for (const row of rows) last.set(`${row.category}\u0000${row.id}`, row);
    const upserts = [...last.values()].filter((r) => r.value !== null);
    const deletes = [...last.values()].filter((r) => r.value === null);
    await db.tx(async (q) => {
      if (upserts.length > 0) {
        await q.query(
          `INSERT INTO ${db.s}.whatsapp_auth (tenant, category, key_id, value, expires_at)
           SELECT $1, x.category, x.id, x.value, x.expires_at
           FROM jsonb_to_recordset($2::jsonb) AS x(category text, id text, value text, expires_at timestamptz)
           ON CONFLICT (tenant, category, key_id)
           DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, updated_at = now()`,
          [
            tenant,
            JSON.stringify(
              upserts.map((r) => ({
                category: r.category,
                id: r.id,
                value: r.value,
                expires_at: r.expiresAt?.toISOString() ?? null,
              })),
            ),
          ],
        );
      }
      if (deletes.length > 0) {
        await q.query(
          `DELETE FROM ${db.s}.whatsapp_auth w
           USING jsonb_to_recordset($2::jsonb) AS x(category text, id text)
           WHERE w.tenant = $1 AND w.category = x.category AND w.key_id = x.id`,
          [tenant, JSON.stringify(deletes.map((r) => ({ category: r.category, id: r.id })))],
        );
      }
    });
  },

  async clear(db, tenant) {
    await db.query(`DELETE FROM ${db.s}.whatsapp_auth WHERE tenant = $1`, [tenant]);
  },

  async deleteExpired(db, tenant) {
    const { rowCount } = await db.query(
      `DELETE FROM ${db.s}.whatsapp_auth WHERE tenant = $1 AND expires_at <= now()`,
      [tenant],
    );
    return rowCount ?? 0;
  },

  async count(db, tenant) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${db.s}.whatsapp_auth WHERE tenant = $1`,
      [tenant],
    );
    return rows[0]!.n;
  },
};
