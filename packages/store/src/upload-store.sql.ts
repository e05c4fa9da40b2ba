import type { Upload, UploadStore } from './upload-store.ts';

export const sqlUploadStore: UploadStore = {
  async get(db, key) {
    const { rows } = await db.query<{
      key: string;
      user_id: number;
      kind: Upload['kind'];
      content_type: string;
      size: number;
      status: Upload['status'];
      expires_at: Date;
    }>(
      `SELECT key, user_id, kind, content_type, size, status, expires_at FROM ${db.s}.uploads WHERE key = $1`,
      [key],
    );
    const r = rows[0];
    return r
      ? {
          key: r.key,
          userId: r.user_id,
          kind: r.kind,
          contentType: r.content_type,
          size: r.size,
          status: r.status,
          expiresAt: r.expires_at,
        }
      : null;
  },

  async addPending(db, u) {
    await db.query(
      `INSERT INTO ${db.s}.uploads (key, user_id, kind, content_type, size, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [u.key, u.userId, u.kind, u.contentType, u.size, u.expiresAt],
    );
  },

  async addStored(db, u) {
    await db.query(
      `INSERT INTO ${db.s}.uploads (key, user_id, kind, content_type, size, status, expires_at)
       VALUES ($1, $2, $3, $4, $5, 'stored', now())`,
      [u.key, u.userId, u.kind, u.contentType, u.size],
    );
  },

  async markStored(db, key, size) {
    await db.query(`UPDATE ${db.s}.uploads SET status = 'stored', size = $2 WHERE key = $1`, [key, size]);
  },

  async keysInUse(db, recentHours) {
    const { rows } = await db.query<{ key: string }>(
      `SELECT image_key AS key FROM ${db.s}.messages WHERE image_key IS NOT NULL
       UNION SELECT thumb_key FROM ${db.s}.messages WHERE thumb_key IS NOT NULL
       UNION SELECT avatar_key FROM ${db.s}.users WHERE avatar_key IS NOT NULL
       UNION SELECT avatar_key FROM ${db.s}.groups WHERE avatar_key IS NOT NULL
       UNION SELECT value #>> '{}' FROM ${db.s}.settings
              WHERE key IN ('logo_key', 'icon_key') AND jsonb_typeof(value) = 'string'
       UNION SELECT key FROM ${db.s}.uploads WHERE created_at > now() - make_interval(hours => $1)`,
      [recentHours],
    );
    return new Set(rows.map((r) => r.key));
  },

  async forget(db, keys) {
    if (keys.length === 0) return;
    await db.query(`DELETE FROM ${db.s}.uploads WHERE key = ANY($1::text[])`, [keys]);
  },
};
