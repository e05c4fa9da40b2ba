import type { GroupType } from '@rosterchirp/protocol';
import { messageSelect, toMessage } from './message-mapping.ts';
import type {
  InsertedMessage,
  LinkPreviewStore,
  MessageStore,
  NewMessage,
  ReactionStore,
  SearchStore,
} from './message-store.ts';

export const sqlMessageStore: MessageStore = {
  async load(db, id, viewerId) {
    const { rows } = await db.query(`${messageSelect(db.s, '$2')} WHERE m.id = $1`, [id, viewerId]);
    return rows[0] ? toMessage(rows[0]) : null;
  },

  async head(db, id) {
    const { rows } = await db.query<{
      group_id: number;
      author_id: number | null;
      kind: 'user' | 'system';
      deleted_at: Date | null;
    }>(`SELECT group_id, author_id, kind, deleted_at FROM ${db.s}.messages WHERE id = $1`, [id]);
    const r = rows[0];
    return r ? { groupId: r.group_id, authorId: r.author_id, kind: r.kind, deletedAt: r.deleted_at } : null;
  },

  async inGroup(db, id, groupId) {
    const { rowCount } = await db.query(`SELECT 1 FROM ${db.s}.messages WHERE id = $1 AND group_id = $2`, [
      id,
      groupId,
    ]);
    return (rowCount ?? 0) > 0;
  },

  async insertMany(db, all) {
    // A clientId twice in one batch (a retry that caught up with its first try) is written once.
    const seen = new Set<string>();
    const batch = all.filter((m) => {
      const key = `${m.authorId}:${m.clientId}`;
      return !seen.has(key) && seen.add(key);
    });
    // One statement, one round trip, one commit for the whole batch: the groups' transaction-
    // scoped locks are taken (in group order, so two batches never wait on each other in a
    // cycle) before any row — and its id — exists, and held until the statement commits.
    const { rows } = await db.query<{ id: number; created_at: Date; seq: number; i: number }>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(i int, group_id int, author_id int,
           client_id text, content text, image_key text, reply_to bigint, mentions text[],
           sender_name text, sender_icon text)
       ), group_locks AS (
         SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext($2), g)
           FROM (SELECT DISTINCT group_id AS g FROM input ORDER BY 1) ordered) locked
       ), inserted AS (
         INSERT INTO ${db.s}.messages (group_id, author_id, client_id, content, image_key, reply_to, mentions,
                                       sender_name, sender_icon)
         SELECT group_id, author_id, client_id, content, image_key, reply_to, mentions, sender_name, sender_icon
           FROM input, group_locks ORDER BY i
         ON CONFLICT (author_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
         RETURNING id, created_at, seq, author_id, client_id
       )
       SELECT inserted.id, inserted.created_at, inserted.seq, input.i
         FROM inserted JOIN input USING (author_id, client_id)`,
      [
        JSON.stringify(
          batch.map((m, i) => ({
            i,
            group_id: m.groupId,
            author_id: m.authorId,
            client_id: m.clientId,
            content: m.content,
            image_key: m.imageKey,
            reply_to: m.replyTo,
            mentions: m.mentions,
            sender_name: m.senderName ?? null,
            sender_icon: m.senderIcon ?? null,
          })),
        ),
        db.schema,
      ],
    );
    const written = new Map<NewMessage, InsertedMessage>();
    for (const r of rows) {
      written.set(batch[r.i]!, { id: Number(r.id), createdAt: r.created_at, seq: Number(r.seq) });
    }
    return all.map((m) => written.get(m) ?? null);
  },

  async byClientId(db, authorId, clientId) {
    const { rows } = await db.query<{ id: number; group_id: number }>(
      `SELECT id, group_id FROM ${db.s}.messages WHERE author_id = $1 AND client_id = $2`,
      [authorId, clientId],
    );
    return rows[0] ? { id: rows[0].id, groupId: rows[0].group_id } : null;
  },

  async insertSystem(db, groupId, content) {
    return db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock(hashtext($1), $2)', [db.schema, groupId]);
      const { rows } = await q.query<{ id: number }>(
        `INSERT INTO ${db.s}.messages (group_id, kind, content) VALUES ($1, 'system', $2) RETURNING id`,
        [groupId, content],
      );
      return rows[0]!.id;
    });
  },

  async page(db, groupId, viewerId, cursor, limit) {
    const forward = cursor.after !== undefined;
    const params: unknown[] = [groupId, viewerId, limit];
    let where = '';
    if (cursor.before !== undefined) {
      params.push(cursor.before);
      where = 'AND m.id < $4';
    } else if (forward) {
      params.push(cursor.after);
      where = 'AND m.id > $4';
    }
    // Scrolling back (`before`) reads settled history: a replica may answer. The latest page
    // and catch-up (`after`) must show every committed message: the primary answers.
    const run = cursor.before !== undefined ? db.read.bind(db) : db.query.bind(db);
    const { rows } = await run(
      `${messageSelect(db.s, '$2')} WHERE m.group_id = $1 ${where}
       ORDER BY m.id ${forward ? 'ASC' : 'DESC'} LIMIT $3`,
      params,
    );
    return rows.map(toMessage);
  },

  async changedSince(db, groupId, viewerId, since, limit) {
    const { rows } = await db.query(
      `${messageSelect(db.s, '$2')} WHERE m.group_id = $1 AND m.seq > $3 ORDER BY m.seq ASC LIMIT $4`,
      [groupId, viewerId, since, limit],
    );
    return rows.map(toMessage);
  },

  async edit(db, id, content, mentions) {
    await db.tx(async (q) => {
      await q.query(
        `INSERT INTO ${db.s}.message_edits (message_id, content) SELECT id, content FROM ${db.s}.messages WHERE id = $1`,
        [id],
      );
      await q.query(
        `UPDATE ${db.s}.messages SET content = $2, mentions = $3, edited_at = now() WHERE id = $1`,
        [id, content, mentions],
      );
    });
  },

  async softDelete(db, id) {
    const { rows } = await db.query<{ seq: number }>(
      `UPDATE ${db.s}.messages SET deleted_at = now(), content = '', image_key = NULL, thumb_key = NULL, mentions = '{}',
         preview_url = NULL, pinned_at = NULL, pinned_by = NULL WHERE id = $1 RETURNING seq`,
      [id],
    );
    return rows[0] ? Number(rows[0].seq) : null;
  },

  async setPreview(db, id, url) {
    await db.query(`UPDATE ${db.s}.messages SET preview_url = $2 WHERE id = $1 AND deleted_at IS NULL`, [
      id,
      url,
    ]);
  },

  async setThumb(db, id, key) {
    await db.query(`UPDATE ${db.s}.messages SET thumb_key = $2 WHERE id = $1 AND deleted_at IS NULL`, [
      id,
      key,
    ]);
  },

  async setPinned(db, id, byUserId) {
    const { rowCount } =
      byUserId !== null
        ? await db.query(
            `UPDATE ${db.s}.messages SET pinned_at = now(), pinned_by = $2 WHERE id = $1 AND pinned_at IS NULL`,
            [id, byUserId],
          )
        : await db.query(
            `UPDATE ${db.s}.messages SET pinned_at = NULL, pinned_by = NULL WHERE id = $1 AND pinned_at IS NOT NULL`,
            [id],
          );
    return (rowCount ?? 0) > 0;
  },

  async pinned(db, groupId, viewerId, limit) {
    const { rows } = await db.read(
      `${messageSelect(db.s, '$2')} WHERE m.group_id = $1 AND m.pinned_at IS NOT NULL AND m.deleted_at IS NULL
       ORDER BY m.pinned_at DESC LIMIT $3`,
      [groupId, viewerId, limit],
    );
    return rows.map(toMessage);
  },

  async markRead(db, groupId, userId, messageId, member) {
    if (member) {
      await db.query(
        `UPDATE ${db.s}.group_members SET last_read_id = GREATEST(last_read_id, $3) WHERE group_id = $1 AND user_id = $2`,
        [groupId, userId, messageId],
      );
    } else {
      await db.query(
        `INSERT INTO ${db.s}.read_positions (group_id, user_id, last_read_id) VALUES ($1, $2, $3)
         ON CONFLICT (group_id, user_id) DO UPDATE SET last_read_id = GREATEST(${db.s}.read_positions.last_read_id, EXCLUDED.last_read_id)`,
        [groupId, userId, messageId],
      );
    }
  },

  async readAll(db, userId) {
    await db.tx(async (q) => {
      await q.query(
        `UPDATE ${db.s}.group_members gm SET last_read_id = sub.max_id
         FROM (SELECT group_id, max(id) AS max_id FROM ${db.s}.messages GROUP BY group_id) sub
         WHERE gm.user_id = $1 AND gm.group_id = sub.group_id AND gm.last_read_id < sub.max_id`,
        [userId],
      );
      await q.query(
        `INSERT INTO ${db.s}.read_positions (group_id, user_id, last_read_id)
         SELECT g.id, $1, max(m.id) FROM ${db.s}.groups g JOIN ${db.s}.messages m ON m.group_id = g.id
         WHERE g.type = 'public' GROUP BY g.id
         ON CONFLICT (group_id, user_id) DO UPDATE SET last_read_id = EXCLUDED.last_read_id`,
        [userId],
      );
    });
  },
};

export const sqlReactionStore: ReactionStore = {
  async toggle(db, messageId, userId, emoji, maxDistinct) {
    return db.tx(async (q) => {
      // One toggle per message at a time: the distinct-emoji cap holds under concurrency.
      await q.query('SELECT pg_advisory_xact_lock(hashtext($1), $2)', [`${db.schema}:reactions`, messageId]);
      const removed = await q.query(
        `DELETE FROM ${db.s}.reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3`,
        [messageId, userId, emoji],
      );
      if (removed.rowCount) return 'removed';
      const distinct = await q.query<{ n: number }>(
        `SELECT count(DISTINCT emoji)::int AS n FROM ${db.s}.reactions WHERE message_id = $1 AND emoji <> $2`,
        [messageId, emoji],
      );
      if ((distinct.rows[0]?.n ?? 0) >= maxDistinct) return 'full';
      await q.query(
        `INSERT INTO ${db.s}.reactions (message_id, user_id, emoji) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [messageId, userId, emoji],
      );
      return 'added';
    });
  },
};

export const sqlLinkPreviewStore: LinkPreviewStore = {
  async fresh(db, url, maxAgeHours) {
    const { rows } = await db.query<{ ok: boolean }>(
      `SELECT ok FROM ${db.s}.link_previews WHERE url = $1 AND fetched_at > now() - make_interval(hours => $2)`,
      [url, maxAgeHours],
    );
    return rows[0] ? rows[0].ok : null;
  },

  async save(db, url, meta) {
    await db.query(
      `INSERT INTO ${db.s}.link_previews (url, title, description, image_url, ok) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (url) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
         image_url = EXCLUDED.image_url, ok = EXCLUDED.ok, fetched_at = now()`,
      [url, meta?.title ?? null, meta?.description ?? null, meta?.image ?? null, meta !== null],
    );
  },
};

/** Fewer matches than this: a rare query, answered from the text indexes. */
const RARE_BELOW = 2000;

/** `%`, `_` and `\` are literal in the user's text. */
const likeEscape = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);

export const sqlSearchStore: SearchStore = {
  async search(db, viewerId, terms, before, limit) {
    const params: unknown[] = [viewerId, limit];
    const clauses = terms.map((term) => {
      params.push(`${term}:*`, `%${likeEscape(term)}%`);
      const n = params.length;
      return `(m.search @@ to_tsquery('simple', $${n - 1}) OR m.content ILIKE $${n})`;
    });
    if (before !== undefined) {
      params.push(before);
      clauses.push(`m.id < $${params.length}`);
    }
    // Rare terms: the planner would walk the id index newest-first through every row. A bounded
    // probe on the text indexes tells rare from common; rare queries then use the text indexes
    // (bitmap scans) and sort the few hits (SET LOCAL: transaction-scoped, safe through PgBouncer).
    const termParams = params.slice(2, 2 + terms.length * 2);
    const termWhere = clauses
      .slice(0, terms.length)
      .join(' AND ')
      .replace(/\$(\d+)/g, (_, n) => `$${Number(n) - 2}`);
    const run = (q: { query: typeof db.query }) =>
      q.query(
        `${messageSelect(db.s, '$1')}
         JOIN ${db.s}.groups g ON g.id = m.group_id
         WHERE m.deleted_at IS NULL AND m.kind = 'user'
           AND (g.type = 'public' OR EXISTS (SELECT 1 FROM ${db.s}.group_members gm WHERE gm.group_id = g.id AND gm.user_id = $1))
           AND ${clauses.join(' AND ')}
         ORDER BY m.id DESC LIMIT $2`,
        params,
      );
    const rare = await db.tx(async (q) => {
      await q.query('SET LOCAL enable_seqscan = off');
      await q.query('SET LOCAL enable_indexscan = off');
      const probe = await q.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${db.s}.messages m WHERE ${termWhere} LIMIT ${RARE_BELOW}) x`,
        termParams,
      );
      return (probe.rows[0]?.n ?? 0) < RARE_BELOW;
    });
    const { rows } = rare
      ? await db.tx(async (q) => {
          await q.query('SET LOCAL enable_indexscan = off');
          return run(q);
        })
      : await run({ query: db.read.bind(db) });
    return rows.map(toMessage);
  },

  async labels(db, groupIds, viewerId) {
    const names = new Map<number, { type: GroupType; name: string }>();
    if (!groupIds.length) return names;
    const { rows } = await db.query<{ id: number; type: GroupType; name: string; peer: string | null }>(
      `SELECT g.id, g.type, g.name,
         (SELECT COALESCE(u.display_name, u.name) FROM ${db.s}.group_members pm JOIN ${db.s}.users u ON u.id = pm.user_id
          WHERE g.type = 'direct' AND pm.group_id = g.id AND pm.user_id <> $2 LIMIT 1) AS peer
       FROM ${db.s}.groups g WHERE g.id = ANY($1::int[])`,
      [groupIds, viewerId],
    );
    for (const r of rows)
      names.set(r.id, { type: r.type, name: r.type === 'direct' ? (r.peer ?? 'Deleted User') : r.name });
    return names;
  },
};
