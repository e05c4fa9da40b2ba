import type { Row } from '@rosterchirp/db';
import type { MessageForPush, PushCandidate, PushStore, PushSubscriptionRow } from './push-store.ts';

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
  async recordError(db, id, error) {
    await db.query(`UPDATE ${db.s}.push_subscriptions SET last_error = $2 WHERE id = $1`, [
      id,
      error.slice(0, 300),
    ]);
  },
  async drop(db, id) {
    await db.query(`DELETE FROM ${db.s}.push_subscriptions WHERE id = $1`, [id]);
  },
  async messageForPush(db, messageId) {
    const { rows } = await db.query(
      `SELECT m.id, m.group_id, g.type AS group_type, g.name AS group_name, m.author_id,
              coalesce(u.display_name, u.name, '') AS author_name, m.content, m.image_key IS NOT NULL AS has_image,
              m.mentions, m.deleted_at IS NOT NULL AS deleted, m.kind = 'system' AS system
         FROM ${db.s}.messages m
         JOIN ${db.s}.groups g ON g.id = m.group_id
         LEFT JOIN ${db.s}.users u ON u.id = m.author_id
        WHERE m.id = $1`,
      [messageId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: Number(r.id),
      groupId: r.group_id as number,
      groupType: r.group_type as MessageForPush['groupType'],
      groupName: r.group_name as string,
      authorId: (r.author_id as number | null) ?? null,
      authorName: r.author_name as string,
      content: r.content as string,
      hasImage: r.has_image as boolean,
      mentions: r.mentions as string[],
      deleted: r.deleted as boolean,
      system: r.system as boolean,
    };
  },
  async candidates(db, message, reclaimAfterSeconds) {
    const isPublic = message.groupType === 'public';
    // The query is the tenant's push_candidates() (migration 014): planned once per connection.
    const { rows } = await db.query(
      `SELECT user_id, level, mentioned, preferences, subscription_id, endpoint, p256dh, auth, held
         FROM ${db.s}.push_candidates($1, $2, $3, $4, $5::text[], $6, $7)`,
      [
        message.groupId,
        isPublic,
        isPublic ? 'mentions' : 'all',
        message.authorId ?? 0,
        message.mentions,
        message.id,
        reclaimAfterSeconds,
      ],
    );
    return rows.map(
      (r): PushCandidate => ({
        subscriptionId: Number(r.subscription_id),
        userId: r.user_id as number,
        endpoint: r.endpoint as string,
        p256dh: r.p256dh as string,
        auth: r.auth as string,
        level: r.level as PushCandidate['level'],
        mentioned: r.mentioned as boolean,
        preferences: (r.preferences as Record<string, unknown>) ?? {},
        held: r.held as boolean,
      }),
    );
  },
  async claim(db, messageId, subscriptionIds, reclaimAfterSeconds) {
    if (subscriptionIds.length === 0) return new Set();
    const { rows } = await db.query(
      `INSERT INTO ${db.s}.push_deliveries AS d (message_id, subscription_id)
       SELECT $1, unnest($2::bigint[])
       ON CONFLICT (message_id, subscription_id) DO UPDATE SET claimed_at = now()
        WHERE d.sent_at IS NULL AND d.claimed_at < now() - make_interval(secs => $3)
       RETURNING subscription_id`,
      [messageId, subscriptionIds, reclaimAfterSeconds],
    );
    return new Set(rows.map((r) => Number(r.subscription_id)));
  },
  async markDone(db, messageId, subscriptionId) {
    await db.query(
      `UPDATE ${db.s}.push_deliveries SET sent_at = now() WHERE message_id = $1 AND subscription_id = $2`,
      [messageId, subscriptionId],
    );
  },
  async markSent(db, messageId, subscriptionId) {
    await db.query(
      `UPDATE ${db.s}.push_deliveries SET sent_at = now() WHERE message_id = $1 AND subscription_id = $2`,
      [messageId, subscriptionId],
    );
  },
  async recordSuccesses(db, subscriptionIds) {
    if (subscriptionIds.length === 0) return;
    await db.query(
      `UPDATE ${db.s}.push_subscriptions SET last_success_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])`,
      [subscriptionIds],
    );
  },
  async release(db, messageId, subscriptionId) {
    await db.query(
      `DELETE FROM ${db.s}.push_deliveries WHERE message_id = $1 AND subscription_id = $2 AND sent_at IS NULL`,
      [messageId, subscriptionId],
    );
  },
  async pruneDeliveries(db, hours) {
    const { rowCount } = await db.query(
      `DELETE FROM ${db.s}.push_deliveries WHERE claimed_at < now() - make_interval(hours => $1)`,
      [hours],
    );
    return rowCount ?? 0;
  },
};
