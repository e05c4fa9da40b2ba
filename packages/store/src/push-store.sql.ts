import type { Row } from '@rosterchirp/db';
import type { PushStore, PushSubscriptionRow } from './push-store.ts';

const toRow = (r: Row): PushSubscriptionRow => ({
  id: Number(r.id),
  userId: r.user_id as number,
  device: r.device as PushSubscriptionRow['device'],
  endpoint: r.endpoint as string,
  p256dh: r.p256dh as string,
  auth: r.auth as string,
  createdAt: r.created_at as Date,
  lastSuccessAt: (r.last_success_at as Date | null) ?? null,
  lastError: (r.last_error as string | null) ?? null,
});

export const sqlPushStore: PushStore = {
  async upsert(db, sub) {
    await db.tx(async (q) => {
      await q.query(
        `DELETE FROM ${db.s}.push_subscriptions WHERE (user_id = $1 AND device = $2) OR endpoint = $3`,
        [sub.userId, sub.device, sub.endpoint],
      );
      await q.query(
        `INSERT INTO ${db.s}.push_subscriptions (user_id, device, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4, $5)`,
        [sub.userId, sub.device, sub.endpoint, sub.p256dh, sub.auth],
      );
    });
  },
  async remove(db, userId, endpoint) {
    const { rowCount } = await db.query(
      `DELETE FROM ${db.s}.push_subscriptions WHERE user_id = $1 AND endpoint = $2`,
      [userId, endpoint],
    );
    return rowCount === 1;
  },
  async forUser(db, userId) {
    const { rows } = await db.query(
      `SELECT * FROM ${db.s}.push_subscriptions WHERE user_id = $1 ORDER BY id`,
      [userId],
    );
    return rows.map(toRow);
  },
  async all(db) {
    const { rows } = await db.query(`SELECT * FROM ${db.s}.push_subscriptions ORDER BY user_id, id`);
    return rows.map(toRow);
  },
  async recordSuccess(db, id) {
    await db.query(
      `UPDATE ${db.s}.push_subscriptions SET last_success_at = now(), last_error = NULL WHERE id = $1`,
      [id],
    );
  },
  async recordError(db, id, error) {
    await db.query(`UPDATE ${db.s}.push_subscriptions SET last_error = $2 WHERE id = $1`, [
      id,
      error.slice(0, 300),
    ]);
  },
  async drop(db, id) {
    await db.query(`DELETE FROM ${db.s}.push_subscriptions WHERE id = $1`, [id]);
  },
};
