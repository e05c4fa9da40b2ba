import type { TenantDb } from '@rosterchirp/db';
import type {
  ChangesQuery,
  ChangesReply,
  HistoryQuery,
  HistoryReply,
  Message,
  SendMessageBody,
  User,
} from '@rosterchirp/protocol';
import { type EventBus, LIMITS, rooms } from '@rosterchirp/protocol';
import { uploadUrl } from '@rosterchirp/store';
import { AppError, forbidden, invalid, notFound } from './app-error.ts';
import { assertCanPost, groupAccess, groupRoom } from './group-access.ts';
import { extractMentions } from './handle.ts';
import type { LinkPreviewService } from './link-preview/link-preview-service.ts';
import { messageSelect, toMessage } from './mappers.ts';
import { emitUpdated, loadMessage, readableMessage } from './message-access.ts';
import type { ThumbnailService } from './thumbnail-service.ts';
import type { UploadService } from './upload-service.ts';

export interface MessageServiceDeps {
  bus: EventBus;
  uploads: UploadService;
  previews: LinkPreviewService;
  thumbnails: ThumbnailService;
}

export function createMessageService(deps: MessageServiceDeps) {
  return {
    /**
     * Persists a message, then fans it out (docs/CLUSTER.md invariant 7). Idempotent by the author's
     * clientId. A per-group transaction lock makes ids commit in order within a group, so a
     * client's `after=<id>` recovery can never skip a message committed late.
     */
    async send(
      db: TenantDb,
      user: User,
      groupId: number,
      body: SendMessageBody,
    ): Promise<{ message: Message; created: boolean }> {
      const content = (body.content ?? '').trim();
      if (content === '' && !body.imageKey) throw invalid('content', 'A message needs text or an image');
      if (content.length > LIMITS.contentMax)
        throw invalid('content', `At most ${LIMITS.contentMax} characters`);
      const access = await groupAccess(db, groupId, user);
      assertCanPost(access);
      if (body.imageKey) await deps.uploads.assertUsable(db, user, body.imageKey, 'image');
      const mentions = extractMentions(content);
      if (body.replyTo !== undefined) {
        const parent = await db.query(`SELECT 1 FROM ${db.s}.messages WHERE id = $1 AND group_id = $2`, [
          body.replyTo,
          groupId,
        ]);
        if (parent.rowCount === 0)
          throw invalid('replyTo', 'The message replied to is not in this conversation');
      }
      // One statement, one round trip: the group's transaction-scoped lock is taken before the
      // row (and its id) exists and held until the statement's own transaction commits, so ids
      // within a group commit in order and `after=` recovery never skips one. (BEGIN, lock,
      // INSERT, COMMIT as four round trips were a third of a send's cost in `pnpm bench`.)
      const inserted = await db.query<{ id: number; created_at: Date; seq: number }>(
        `WITH group_lock AS (SELECT pg_advisory_xact_lock(hashtext($8), $1))
         INSERT INTO ${db.s}.messages (group_id, author_id, client_id, content, image_key, reply_to, mentions)
         SELECT $1, $2, $3, $4, $5, $6, $7 FROM group_lock
         ON CONFLICT (author_id, client_id) WHERE client_id IS NOT NULL DO NOTHING RETURNING id, created_at, seq`,
        [
          groupId,
          user.id,
          body.clientId,
          content,
          body.imageKey ?? null,
          body.replyTo ?? null,
          mentions,
          db.schema,
        ],
      );
      let result: { id: number; createdAt: Date | null; seq: number; created: boolean };
      if (inserted.rows[0]) {
        const row = inserted.rows[0];
        result = { id: row.id, createdAt: row.created_at, seq: Number(row.seq), created: true };
      } else {
        // A retry of a send that already happened (idempotent by clientId).
        const existing = await db.query<{ id: number; group_id: number }>(
          `SELECT id, group_id FROM ${db.s}.messages WHERE author_id = $1 AND client_id = $2`,
          [user.id, body.clientId],
        );
        const prior = existing.rows[0]!;
        if (prior.group_id !== groupId) {
          throw new AppError('CONFLICT', 'This clientId was already used in another conversation', {
            field: 'clientId',
          });
        }
        result = { id: prior.id, createdAt: null, seq: 0, created: false };
      }
      // A fresh message without a reply is fully known here: no need to read it back (the
      // re-read was the largest share of a send's cost in `pnpm bench`).
      const message =
        result.created && result.createdAt && body.replyTo === undefined
          ? freshMessage(result.id, result.seq, groupId, user, body, content, mentions, result.createdAt)
          : (await loadMessage(db, result.id, user.id))!;
      if (result.created) {
        deps.bus.emit(groupRoom(db.schema, access), 'message:new', { message });
        void deps.previews.attach(db, message, access.type);
        if (body.imageKey) void deps.thumbnails.attach(db, message, access.type, body.imageKey);
      }
      return { message, created: result.created };
    },

    async postSystem(
      db: TenantDb,
      group: { id: number; type: 'public' | 'private' | 'direct' | 'managed' },
      content: string,
    ) {
      const id = await db.tx(async (q) => {
        await q.query('SELECT pg_advisory_xact_lock(hashtext($1), $2)', [db.schema, group.id]);
        const { rows } = await q.query<{ id: number }>(
          `INSERT INTO ${db.s}.messages (group_id, kind, content) VALUES ($1, 'system', $2) RETURNING id`,
          [group.id, content],
        );
        return rows[0]!.id;
      });
      const message = (await loadMessage(db, id, 0))!;
      deps.bus.emit(groupRoom(db.schema, group), 'message:new', { message });
      return message;
    },

    /** Newest page by default; `before` pages back; `after` recovers forward. `hasMore` is exact. */
    async history(db: TenantDb, user: User, groupId: number, query: HistoryQuery): Promise<HistoryReply> {
      if (query.before !== undefined && query.after !== undefined) {
        throw invalid('before', 'Use either before or after, not both');
      }
      await groupAccess(db, groupId, user);
      const limit = query.limit ?? LIMITS.historyDefault;
      const forward = query.after !== undefined;
      const params: unknown[] = [groupId, user.id, limit + 1];
      let cursor = '';
      if (query.before !== undefined) {
        params.push(query.before);
        cursor = 'AND m.id < $4';
      } else if (forward) {
        params.push(query.after);
        cursor = 'AND m.id > $4';
      }
      const { rows } = await db.query(
        `${messageSelect(db.s, '$2')} WHERE m.group_id = $1 ${cursor}
         ORDER BY m.id ${forward ? 'ASC' : 'DESC'} LIMIT $3`,
        params,
      );
      const hasMore = rows.length > limit;
      const page = rows.slice(0, limit).map(toMessage);
      if (!forward) page.reverse();
      return { messages: page, hasMore };
    },

    /**
     * Recovery: every message of the conversation changed after `since` (created, edited,
     * deleted, reacted to, pinned, previewed), oldest change first.
     */
    async changes(db: TenantDb, user: User, groupId: number, query: ChangesQuery): Promise<ChangesReply> {
      await groupAccess(db, groupId, user);
      const limit = query.limit ?? LIMITS.changesDefault;
      const { rows } = await db.query(
        `${messageSelect(db.s, '$2')} WHERE m.group_id = $1 AND m.seq > $3 ORDER BY m.seq ASC LIMIT $4`,
        [groupId, user.id, query.since, limit + 1],
      );
      const hasMore = rows.length > limit;
      const changed = rows.slice(0, limit).map(toMessage);
      // Deleted messages come as they now are (emptied, with deletedAt), and by id in `deleted`.
      return {
        messages: changed,
        deleted: changed.filter((m) => m.deletedAt !== null).map((m) => m.id),
        seq: changed.at(-1)?.seq ?? query.since,
        hasMore,
      };
    },

    async edit(db: TenantDb, user: User, messageId: number, content: string): Promise<Message> {
      const { row, access } = await readableMessage(db, messageId, user);
      if (row.author_id !== user.id || row.kind !== 'user')
        throw forbidden('Only the author can edit a message');
      if (row.deleted_at) throw new AppError('CONFLICT', 'A deleted message cannot be edited');
      assertCanPost(access);
      const text = content.trim();
      if (text === '') throw invalid('content', 'A message cannot be empty');
      await db.tx(async (q) => {
        await q.query(
          `INSERT INTO ${db.s}.message_edits (message_id, content) SELECT id, content FROM ${db.s}.messages WHERE id = $1`,
          [messageId],
        );
        await q.query(
          `UPDATE ${db.s}.messages SET content = $2, mentions = $3, edited_at = now() WHERE id = $1`,
          [messageId, text, extractMentions(text)],
        );
      });
      const message = (await loadMessage(db, messageId, user.id))!;
      emitUpdated(deps.bus, db.schema, access, message);
      return message;
    },

    async remove(db: TenantDb, user: User, messageId: number): Promise<void> {
      const { row, access } = await readableMessage(db, messageId, user);
      if (row.kind !== 'user' || (row.author_id !== user.id && user.role !== 'admin')) {
        throw forbidden('Only the author or an admin can delete a message');
      }
      if (row.deleted_at) return;
      const { rows } = await db.query<{ seq: string }>(
        `UPDATE ${db.s}.messages SET deleted_at = now(), content = '', image_key = NULL, thumb_key = NULL, mentions = '{}', preview_url = NULL,
             pinned_at = NULL, pinned_by = NULL WHERE id = $1 RETURNING seq`,
        [messageId],
      );
      deps.bus.emit(groupRoom(db.schema, access), 'message:deleted', {
        groupId: access.id,
        messageId,
        seq: Number(rows[0]?.seq ?? 0),
      });
    },

    /** Moves the reader's position forward (never back) and tells the reader's other devices. */
    async markRead(db: TenantDb, user: User, groupId: number, messageId: number): Promise<void> {
      const access = await groupAccess(db, groupId, user);
      const exists = await db.query(`SELECT 1 FROM ${db.s}.messages WHERE id = $1 AND group_id = $2`, [
        messageId,
        groupId,
      ]);
      if (exists.rowCount === 0) throw notFound('Message');
      if (access.isMember) {
        await db.query(
          `UPDATE ${db.s}.group_members SET last_read_id = GREATEST(last_read_id, $3) WHERE group_id = $1 AND user_id = $2`,
          [groupId, user.id, messageId],
        );
      } else {
        await db.query(
          `INSERT INTO ${db.s}.read_positions (group_id, user_id, last_read_id) VALUES ($1, $2, $3)
           ON CONFLICT (group_id, user_id) DO UPDATE SET last_read_id = GREATEST(${db.s}.read_positions.last_read_id, EXCLUDED.last_read_id)`,
          [groupId, user.id, messageId],
        );
      }
      const target = access.type === 'public' ? rooms.user(db.schema, user.id) : groupRoom(db.schema, access);
      deps.bus.emit(target, 'read', { groupId, userId: user.id, messageId });
    },

    async readAll(db: TenantDb, user: User): Promise<void> {
      await db.tx(async (q) => {
        await q.query(
          `UPDATE ${db.s}.group_members gm SET last_read_id = sub.max_id
           FROM (SELECT group_id, max(id) AS max_id FROM ${db.s}.messages GROUP BY group_id) sub
           WHERE gm.user_id = $1 AND gm.group_id = sub.group_id AND gm.last_read_id < sub.max_id`,
          [user.id],
        );
        await q.query(
          `INSERT INTO ${db.s}.read_positions (group_id, user_id, last_read_id)
           SELECT g.id, $1, max(m.id) FROM ${db.s}.groups g JOIN ${db.s}.messages m ON m.group_id = g.id
           WHERE g.type = 'public' GROUP BY g.id
           ON CONFLICT (group_id, user_id) DO UPDATE SET last_read_id = EXCLUDED.last_read_id`,
          [user.id],
        );
      });
    },
  };
}

export type MessageService = ReturnType<typeof createMessageService>;

/** The API shape of a message that was just inserted (no reactions, pins, edits or preview yet). */
function freshMessage(
  id: number,
  seq: number,
  groupId: number,
  user: User,
  body: SendMessageBody,
  content: string,
  mentions: string[],
  createdAt: Date,
): Message {
  return {
    id,
    groupId,
    seq,
    clientId: body.clientId,
    author: {
      id: user.id,
      name: user.displayName ?? user.name,
      handle: user.handle,
      avatarUrl: user.avatarUrl,
    },
    kind: 'user',
    content,
    imageUrl: uploadUrl(body.imageKey ?? null),
    thumbUrl: null,
    replyTo: null,
    reactions: [],
    mentions,
    pinned: false,
    linkPreview: null,
    editedAt: null,
    deletedAt: null,
    createdAt: createdAt.toISOString(),
  };
}
