import type { Device } from '@rosterchirp/protocol';
import { toUser, USER_COLUMNS } from './row-mapping.ts';
import type { SessionStore } from './session-store.ts';

export const sqlSessionStore: SessionStore = {
  async open(db, session) {
    return db.tx(async (q) => {
      const old = await q.query<{ id: string }>(
        `UPDATE ${db.s}.sessions SET revoked_at = now(), revoked_reason = 'displaced'
         WHERE user_id = $1 AND device = $2 AND revoked_at IS NULL RETURNING id`,
        [session.userId, session.device],
      );
      await q.query(
        `INSERT INTO ${db.s}.sessions (id, user_id, device, expires_at, user_agent, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, now())`,
        [session.id, session.userId, session.device, session.expiresAt, session.userAgent],
      );
      return old.rows.map((r) => r.id);
    });
  },

  async liveSession(db, sessionId, userId) {
    const { rows } = await db.query(
      `SELECT ${USER_COLUMNS}, s.expires_at AS session_expires_at FROM ${db.s}.sessions s JOIN ${db.s}.users u ON u.id = s.user_id
       WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.status = 'active'`,
      [sessionId, userId],
    );
    return rows[0] ? { user: toUser(rows[0]), expiresAt: rows[0].session_expires_at as Date } : null;
  },

  async listLive(db, userId) {
    const { rows } = await db.query<{
      id: string;
      device: Device;
      user_agent: string | null;
      created_at: Date;
      last_seen_at: Date | null;
    }>(
      `SELECT id, device, user_agent, created_at, last_seen_at FROM ${db.s}.sessions
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC`,
      [userId],
    );
    return rows.map((r) => ({
      id: r.id,
      device: r.device,
      userAgent: r.user_agent,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at ?? r.created_at,
    }));
  },

  async revokeAll(db, userId, reason, exceptId) {
    const { rows } = await db.query<{ id: string }>(
      `UPDATE ${db.s}.sessions SET revoked_at = now(), revoked_reason = $3
       WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid) RETURNING id`,
      [userId, exceptId ?? null, reason],
    );
    return rows.map((r) => r.id);
  },

  async revokeOne(db, sessionId, userId, reason) {
    const { rowCount } = await db.query(
      `UPDATE ${db.s}.sessions SET revoked_at = now(), revoked_reason = $3
       WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`,
      [sessionId, userId, reason],
    );
    return (rowCount ?? 0) > 0;
  },

  async touch(db, sessionId) {
    await db.query(`UPDATE ${db.s}.sessions SET last_seen_at = now() WHERE id = $1`, [sessionId]);
  },
};
