import type { Queryable, Row } from '@rosterchirp/db';
import type { Bot, Contact, IncomingWebhook, OutgoingWebhook, WebhookDelivery } from '@rosterchirp/protocol';
import { type IntegrationStore, type OutgoingTarget, PhoneTaken } from './integration-store.ts';
import { isUniqueViolation } from './pg-errors.ts';
import { iso, toUser, USER_COLUMNS } from './row-mapping.ts';
import { UserTaken } from './user-store.ts';

const toBot = (r: Row): Bot => ({
  id: r.id as number,
  name: r.name as string,
  handle: r.handle as string,
  scopes: (r.bot_scopes as string[]) ?? [],
  createdAt: iso(r.created_at)!,
  revokedAt: iso(r.revoked_at),
});

const botSelect = (s: string) =>
  `SELECT u.id, u.name, u.handle, u.bot_scopes, b.created_at, b.revoked_at
     FROM ${s}.bots b JOIN ${s}.users u ON u.id = b.user_id`;

const toIncoming = (r: Row): IncomingWebhook => ({
  id: r.id as number,
  groupId: r.group_id as number,
  ...(r.group_name != null ? { groupName: r.group_name as string } : {}),
  name: r.name as string,
  createdAt: iso(r.created_at)!,
  lastUsedAt: iso(r.last_used_at),
});

const toOutgoing = (r: Row): OutgoingWebhook => ({
  id: r.id as number,
  url: r.url as string,
  events: r.events as string[],
  groupIds: (r.group_ids as number[] | null) ?? null,
  createdAt: iso(r.created_at)!,
});

const toTarget = (r: Row): OutgoingTarget => ({
  id: r.id as number,
  url: r.url as string,
  events: r.events as string[],
  groupIds: (r.group_ids as number[] | null) ?? null,
  secret: r.secret as string,
});

const toDelivery = (r: Row): WebhookDelivery => ({
  id: Number(r.id),
  event: r.event as string,
  messageId: r.message_id == null ? null : Number(r.message_id),
  status: r.status as string,
  attempts: r.attempts as number,
  responseStatus: (r.response_status as number | null) ?? null,
  error: (r.error as string | null) ?? null,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

const toContact = (r: Row): Contact => ({
  id: r.id as number,
  name: r.name as string,
  phones: r.phones as string[],
  tags: r.tags as string[],
  smsOptedOut: r.sms_opted_out_at != null,
  groupId: (r.group_id as number | null) ?? null,
});

async function assertPhonesFree(q: Queryable, s: string, phones: string[], exceptId: number | null) {
  const { rows } = await q.query<{ phone: string }>(
    `SELECT p AS phone FROM ${s}.contacts, unnest(phones) p
     WHERE phones && $1::text[] AND p = ANY($1::text[]) AND ($2::int IS NULL OR id <> $2) LIMIT 1`,
    [phones, exceptId],
  );
  if (rows[0]) throw new PhoneTaken(rows[0].phone);
}

export const sqlIntegrationStore: IntegrationStore = {
  async insertBot(db, bot) {
    return db
      .tx(async (q) => {
        const { rows } = await q.query(
          `INSERT INTO ${db.s}.users AS u (email, name, handle, role, bot_scopes)
         VALUES ($1, $2, $3, 'member', $4::text[]) RETURNING ${USER_COLUMNS}`,
          [bot.email, bot.name, bot.handle, bot.scopes],
        );
        const user = toUser(rows[0]!);
        await q.query(`INSERT INTO ${db.s}.bots (user_id, kind, created_by) VALUES ($1, $2, $3)`, [
          user.id,
          bot.kind,
          bot.createdBy,
        ]);
        return user;
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err, 'users_handle_key')) throw new UserTaken('handle');
        throw err;
      });
  },

  async listBots(db, kind) {
    const { rows } = await db.query(
      `${botSelect(db.s)} WHERE b.kind = $1 ORDER BY b.revoked_at IS NOT NULL, lower(u.name), u.id`,
      [kind],
    );
    return rows.map(toBot);
  },

  async botById(db, userId) {
    const { rows } = await db.query(`${botSelect(db.s)} WHERE b.user_id = $1`, [userId]);
    return rows[0] ? toBot(rows[0]) : null;
  },

  async revokeBot(db, userId, kind) {
    return db.tx(async (q) => {
      const { rowCount } = await q.query(
        `UPDATE ${db.s}.bots SET revoked_at = now() WHERE user_id = $1 AND kind = $2 AND revoked_at IS NULL`,
        [userId, kind],
      );
      if (!rowCount) return false;
      await q.query(`UPDATE ${db.s}.users SET status = 'suspended' WHERE id = $1`, [userId]);
      return true;
    });
  },

  async insertIncoming(db, hook) {
    const { rows } = await db.query(
      `INSERT INTO ${db.s}.incoming_webhooks (group_id, name, secret_hash, bot_user_id, created_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [hook.groupId, hook.name, hook.secretHash, hook.botUserId, hook.createdBy],
    );
    return toIncoming(rows[0]!);
  },

  async listIncoming(db) {
    const { rows } = await db.query(
      `SELECT w.*, g.name AS group_name FROM ${db.s}.incoming_webhooks w
       JOIN ${db.s}.groups g ON g.id = w.group_id
       WHERE w.revoked_at IS NULL ORDER BY w.id`,
    );
    return rows.map(toIncoming);
  },

  async incomingBySecret(db, secretHash) {
    const { rows } = await db.query(
      `SELECT id, group_id, bot_user_id, name FROM ${db.s}.incoming_webhooks
       WHERE secret_hash = $1 AND revoked_at IS NULL`,
      [secretHash],
    );
    const r = rows[0];
    return r
      ? {
          id: r.id as number,
          groupId: r.group_id as number,
          botUserId: r.bot_user_id as number,
          name: r.name as string,
        }
      : null;
  },

  async touchIncoming(db, id) {
    await db.query(`UPDATE ${db.s}.incoming_webhooks SET last_used_at = now() WHERE id = $1`, [id]);
  },

  async revokeIncoming(db, id) {
    const { rows } = await db.query<{ bot_user_id: number }>(
      `UPDATE ${db.s}.incoming_webhooks SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL
       RETURNING bot_user_id`,
      [id],
    );
    return rows[0]?.bot_user_id ?? null;
  },

  async insertOutgoing(db, hook) {
    const { rows } = await db.query(
      `INSERT INTO ${db.s}.outgoing_webhooks (url, events, group_ids, secret, created_by)
       VALUES ($1, $2::text[], $3::int[], $4, $5) RETURNING *`,
      [hook.url, hook.events, hook.groupIds, hook.secret, hook.createdBy],
    );
    return toOutgoing(rows[0]!);
  },

  async listOutgoing(db) {
    const { rows } = await db.query(
      `SELECT * FROM ${db.s}.outgoing_webhooks WHERE revoked_at IS NULL ORDER BY id`,
    );
    return rows.map(toOutgoing);
  },

  async outgoingById(db, id) {
    const { rows } = await db.query(
      `SELECT id, url, events, group_ids, secret FROM ${db.s}.outgoing_webhooks
       WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    );
    return rows[0] ? toTarget(rows[0]) : null;
  },

  async revokeOutgoing(db, id) {
    const { rowCount } = await db.query(
      `UPDATE ${db.s}.outgoing_webhooks SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    );
    return (rowCount ?? 0) > 0;
  },

  async hasRelays(db) {
    const { rows } = await db.query(
      `SELECT EXISTS (SELECT 1 FROM ${db.s}.outgoing_webhooks WHERE revoked_at IS NULL)
           OR EXISTS (SELECT 1 FROM ${db.s}.bridge_conversations) AS any`,
    );
    return rows[0]!.any === true;
  },

  async outgoingFor(db, groupId) {
    const { rows } = await db.query(
      `SELECT id, url, events, group_ids, secret FROM ${db.s}.outgoing_webhooks
       WHERE revoked_at IS NULL AND (group_ids IS NULL OR $1 = ANY(group_ids)) ORDER BY id`,
      [groupId],
    );
    return rows.map(toTarget);
  },

  async recentSystemLine(db, groupId, marker, withinMs) {
    const { rows } = await db.query(
      `SELECT EXISTS (
         SELECT 1 FROM (SELECT kind, content, created_at FROM ${db.s}.messages
                        WHERE group_id = $1 ORDER BY id DESC LIMIT 200) m
         WHERE m.kind = 'system' AND strpos(m.content, $2) > 0
           AND m.created_at > now() - make_interval(secs => $3::float8 / 1000)) AS found`,
      [groupId, marker, withinMs],
    );
    return rows[0]!.found === true;
  },

  async conversationName(db, groupId) {
    const { rows } = await db.query<{ name: string }>(`SELECT name FROM ${db.s}.groups WHERE id = $1`, [
      groupId,
    ]);
    return rows[0]?.name ?? null;
  },

  async openDeliveries(db, list) {
    if (list.length === 0) return [];
    const { rows } = await db.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(webhook_id int, event text, message_id bigint)
       ), added AS (
         INSERT INTO ${db.s}.webhook_deliveries (webhook_id, event, message_id)
         SELECT webhook_id, event, message_id FROM input
         ON CONFLICT (webhook_id, event, message_id) DO NOTHING
         RETURNING id, webhook_id, event, message_id, status
       )
       SELECT id, webhook_id, event, status FROM added
       UNION ALL
       SELECT d.id, d.webhook_id, d.event, d.status FROM ${db.s}.webhook_deliveries d
         JOIN input i USING (webhook_id, event, message_id)`,
      [
        JSON.stringify(
          list.map((d) => ({ webhook_id: d.webhookId, event: d.event, message_id: d.messageId })),
        ),
      ],
    );
    const byId = new Map(
      rows.map((r) => [
        Number(r.id),
        {
          id: Number(r.id),
          webhookId: r.webhook_id as number,
          event: r.event as string,
          status: r.status as 'pending',
        },
      ]),
    );
    return [...byId.values()];
  },

  async recordAttempt(db, id, outcome) {
    await db.query(
      `UPDATE ${db.s}.webhook_deliveries
       SET status = $2, response_status = $3, error = $4, attempts = attempts + 1, updated_at = now()
       WHERE id = $1`,
      [id, outcome.status, outcome.responseStatus, outcome.error?.slice(0, 500) ?? null],
    );
  },

  async deliveries(db, webhookId, limit) {
    const { rows } = await db.query(
      `SELECT * FROM ${db.s}.webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2`,
      [webhookId, limit],
    );
    return rows.map(toDelivery);
  },

  async botHandles(db, handles) {
    if (handles.length === 0) return [];
    const { rows } = await db.query<{ handle: string }>(
      `SELECT handle FROM ${db.s}.users WHERE handle = ANY($1::text[]) AND bot_scopes IS NOT NULL
         AND status = 'active'`,
      [handles],
    );
    return rows.map((r) => r.handle);
  },

  async insertContact(db, contact) {
    return db.tx(async (q) => {
      await assertPhonesFree(q, db.s, contact.phones, null);
      const { rows } = await q.query(
        `INSERT INTO ${db.s}.contacts (name, phones, tags) VALUES ($1, $2::text[], $3::text[])
         RETURNING *, NULL::int AS group_id`,
        [contact.name, contact.phones, contact.tags],
      );
      return toContact(rows[0]!);
    });
  },

  async updateContact(db, id, contact) {
    return db.tx(async (q) => {
      await assertPhonesFree(q, db.s, contact.phones, id);
      const { rows } = await q.query(
        `UPDATE ${db.s}.contacts SET name = $2, phones = $3::text[], tags = $4::text[] WHERE id = $1
         RETURNING *, (SELECT group_id FROM ${db.s}.bridge_conversations WHERE contact_id = $1 AND bridge = 'sms') AS group_id`,
        [id, contact.name, contact.phones, contact.tags],
      );
      return rows[0] ? toContact(rows[0]) : null;
    });
  },

  async deleteContact(db, id) {
    const { rowCount } = await db.query(`DELETE FROM ${db.s}.contacts WHERE id = $1`, [id]);
    return (rowCount ?? 0) > 0;
  },

  async listContacts(db, bridge) {
    const { rows } = await db.query(
      `SELECT c.*, bc.group_id FROM ${db.s}.contacts c
       LEFT JOIN ${db.s}.bridge_conversations bc ON bc.contact_id = c.id AND bc.bridge = $1
       ORDER BY lower(c.name), c.id`,
      [bridge],
    );
    return rows.map(toContact);
  },

  async contactByPhone(db, phone, bridge) {
    const { rows } = await db.query(
      `SELECT c.*, bc.group_id FROM ${db.s}.contacts c
       LEFT JOIN ${db.s}.bridge_conversations bc ON bc.contact_id = c.id AND bc.bridge = $2
       WHERE c.phones @> ARRAY[$1::text] LIMIT 1`,
      [phone, bridge],
    );
    return rows[0] ? toContact(rows[0]) : null;
  },

  async setSmsOptOut(db, contactId, optedOut) {
    await db.query(
      `UPDATE ${db.s}.contacts SET sms_opted_out_at = CASE WHEN $2 THEN now() ELSE NULL END WHERE id = $1`,
      [contactId, optedOut],
    );
  },

  async activeAdminIds(db) {
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM ${db.s}.users WHERE role = 'admin' AND status = 'active' AND bot_scopes IS NULL ORDER BY id`,
    );
    return rows.map((r) => r.id);
  },

  async conversationOf(db, bridge, contactId) {
    const { rows } = await db.query<{ group_id: number }>(
      `SELECT group_id FROM ${db.s}.bridge_conversations WHERE bridge = $1 AND contact_id = $2`,
      [bridge, contactId],
    );
    return rows[0]?.group_id ?? null;
  },

  async linkConversation(db, bridge, contactId, groupId) {
    await db.query(
      `INSERT INTO ${db.s}.bridge_conversations (bridge, contact_id, group_id) VALUES ($1, $2, $3)
       ON CONFLICT (bridge, contact_id) DO NOTHING`,
      [bridge, contactId, groupId],
    );
  },

  async contactOfConversation(db, groupId) {
    const { rows } = await db.query(
      `SELECT c.*, bc.group_id, bc.bridge FROM ${db.s}.bridge_conversations bc
       JOIN ${db.s}.contacts c ON c.id = bc.contact_id WHERE bc.group_id = $1`,
      [groupId],
    );
    const r = rows[0];
    return r ? { bridge: r.bridge as 'sms' | 'whatsapp', contact: toContact(r) } : null;
  },

  async claimBridgeMessage(db, row) {
    const { rowCount } = await db.query(
      `INSERT INTO ${db.s}.bridge_messages (bridge, external_id, direction, message_id, status)
       VALUES ($1, $2, $3, $4, 'pending') ON CONFLICT (bridge, external_id) DO NOTHING`,
      [row.bridge, row.externalId, row.direction, row.messageId],
    );
    return (rowCount ?? 0) > 0;
  },

  async setBridgeMessage(db, bridge, externalId, change) {
    await db.query(
      `UPDATE ${db.s}.bridge_messages SET
         message_id = CASE WHEN $3 THEN $4::bigint ELSE message_id END,
         status = COALESCE($5, status),
         error = CASE WHEN $6 THEN $7 ELSE error END
       WHERE bridge = $1 AND external_id = $2`,
      [
        bridge,
        externalId,
        change.messageId !== undefined,
        change.messageId ?? null,
        change.status ?? null,
        change.error !== undefined,
        change.error ?? null,
      ],
    );
  },

  async bridgeMessageStatus(db, bridge, externalId) {
    const { rows } = await db.query<{ status: string }>(
      `SELECT status FROM ${db.s}.bridge_messages WHERE bridge = $1 AND external_id = $2`,
      [bridge, externalId],
    );
    return rows[0]?.status ?? null;
  },

  async lastBridgeMessageAt(db, bridge) {
    const { rows } = await db.query(
      `SELECT max(created_at) AS at FROM ${db.s}.bridge_messages WHERE bridge = $1`,
      [bridge],
    );
    return (rows[0]?.at as Date | null) ?? null;
  },
};
