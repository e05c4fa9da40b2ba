import { keyedWriteBatcher, type TenantDb } from '@rosterchirp/db';
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
import { type NewMessage, type Stores, uploadUrl } from '@rosterchirp/store';
import { AppError, forbidden, invalid, notFound } from './app-error.ts';
import type { BackgroundJobs } from './background-jobs.ts';
import { assertCanPost, groupAccess, groupRoom } from './group-access.ts';
import { extractMentions } from './handle.ts';
import { emitUpdated, type MessageAccess } from './message-access.ts';
import type { UploadService } from './upload-service.ts';

export interface MessageServiceDeps {
  bus: EventBus;
  stores: Pick<Stores, 'messages' | 'groups'>;
  access: MessageAccess;
  uploads: UploadService;
  /** Enqueues a stored message's background work (push, link preview, thumbnail). */
  afterSend: BackgroundJobs['afterSend'];
}

/** The most messages written in one statement (group commit). */
const MAX_SEND_BATCH = 100;

export function createMessageService(deps: MessageServiceDeps) {
  const { messages } = deps.stores;
  // Group commit: sends of one tenant that arrive while its previous write is in flight are
  // written together in one statement and one commit (ARCHITECTURE.md, "Cost of a send").
  const insertBatched = keyedWriteBatcher(
    (db: TenantDb, batch: NewMessage[]) => messages.insertMany(db, batch),
    {
      maxBatch: MAX_SEND_BATCH,
    },
  );
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
      /** The name and picture an incoming webhook's post gives itself. */
      sender?: { name: string | null; icon: string | null },
    ): Promise<{ message: Message; created: boolean }> {
      const content = (body.content ?? '').trim();
      if (content === '' && !body.imageKey) throw invalid('content', 'A message needs text or an image');
      if (content.length > LIMITS.contentMax)
        throw invalid('content', `At most ${LIMITS.contentMax} characters`);
      const access = await groupAccess(deps.stores.groups, db, groupId, user);
      assertCanPost(access);
      if (body.imageKey) await deps.uploads.assertUsable(db, user, body.imageKey, 'image');
      const mentions = extractMentions(content);
      if (body.replyTo !== undefined && !(await messages.inGroup(db, body.replyTo, groupId))) {
        throw invalid('replyTo', 'The message replied to is not in this conversation');
      }
      const inserted = await insertBatched(db.schema, db, {
        groupId,
        authorId: user.id,
        clientId: body.clientId,
        content,
        imageKey: body.imageKey ?? null,
        replyTo: body.replyTo ?? null,
        mentions,
        senderName: sender?.name ?? null,
        senderIcon: sender?.icon ?? null,
      });
      let result: { id: number; createdAt: Date | null; seq: number; created: boolean };
      if (inserted) {
        result = { ...inserted, created: true };
      } else {
        // A retry of a send that already happened (idempotent by clientId).
        const prior = (await messages.byClientId(db, user.id, body.clientId))!;
        if (prior.groupId !== groupId) {
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
          ? freshMessage(
              result.id,
              result.seq,
              groupId,
              user,
              body,
              content,
              mentions,
              result.createdAt,
              sender,
            )
          : (await messages.load(db, result.id, user.id))!;
      if (result.created) deps.bus.emit(groupRoom(db.schema, access), 'message:new', { message });
      // Enqueued after the broadcast, and again on a retried send: the jobs are keyed by the
      // message, so a send whose enqueue failed is made whole by the client's retry.
      await deps.afterSend(db, { id: message.id, groupId, content }, access.type, body.imageKey ?? null);
      return { message, created: result.created };
    },

    async postSystem(
      db: TenantDb,
      group: { id: number; type: 'public' | 'private' | 'direct' | 'managed' },
      content: string,
    ) {
      const id = await messages.insertSystem(db, group.id, content);
      const message = (await messages.load(db, id, 0))!;
      deps.bus.emit(groupRoom(db.schema, group), 'message:new', { message });
      return message;
    },

    /** Newest page by default; `before` pages back; `after` recovers forward. `hasMore` is exact. */
    async history(db: TenantDb, user: User, groupId: number, query: HistoryQuery): Promise<HistoryReply> {
      if (query.before !== undefined && query.after !== undefined) {
        throw invalid('before', 'Use either before or after, not both');
      }
      await groupAccess(deps.stores.groups, db, groupId, user);
      const limit = query.limit ?? LIMITS.historyDefault;
      const forward = query.after !== undefined;
      const rows = await messages.page(
        db,
        groupId,
        user.id,
        { before: query.before, after: query.after },
        limit + 1,
      );
      const hasMore = rows.length > limit;
      const page = rows.slice(0, limit);
      if (!forward) page.reverse();
      return { messages: page, hasMore };
    },

    /**
     * Recovery: every message of the conversation changed after `since` (created, edited,
     * deleted, reacted to, pinned, previewed), oldest change first.
     */
    async changes(db: TenantDb, user: User, groupId: number, query: ChangesQuery): Promise<ChangesReply> {
      await groupAccess(deps.stores.groups, db, groupId, user);
      const limit = query.limit ?? LIMITS.changesDefault;
      const rows = await messages.changedSince(db, groupId, user.id, query.since, limit + 1);
      const hasMore = rows.length > limit;
      const changed = rows.slice(0, limit);
      // Deleted messages come as they now are (emptied, with deletedAt), and by id in `deleted`.
      return {
        messages: changed,
        deleted: changed.filter((m) => m.deletedAt !== null).map((m) => m.id),
        seq: changed.at(-1)?.seq ?? query.since,
        hasMore,
      };
    },

    async edit(db: TenantDb, user: User, messageId: number, content: string): Promise<Message> {
      const { row, access } = await deps.access.readable(db, messageId, user);
      if (row.authorId !== user.id || row.kind !== 'user')
        throw forbidden('Only the author can edit a message');
      if (row.deletedAt) throw new AppError('CONFLICT', 'A deleted message cannot be edited');
      assertCanPost(access);
      const text = content.trim();
      if (text === '') throw invalid('content', 'A message cannot be empty');
      await messages.edit(db, messageId, text, extractMentions(text));
      const message = (await messages.load(db, messageId, user.id))!;
      emitUpdated(deps.bus, db.schema, access, message);
      return message;
    },

    async remove(db: TenantDb, user: User, messageId: number): Promise<void> {
      const { row, access } = await deps.access.readable(db, messageId, user);
      if (row.kind !== 'user' || (row.authorId !== user.id && user.role !== 'admin')) {
        throw forbidden('Only the author or an admin can delete a message');
      }
      if (row.deletedAt) return;
      const seq = await messages.softDelete(db, messageId);
      deps.bus.emit(groupRoom(db.schema, access), 'message:deleted', {
        groupId: access.id,
        messageId,
        seq: seq ?? 0,
      });
    },

    /** Moves the reader's position forward (never back) and tells the reader's other devices. */
    async markRead(db: TenantDb, user: User, groupId: number, messageId: number): Promise<void> {
      const access = await groupAccess(deps.stores.groups, db, groupId, user);
      if (!(await messages.inGroup(db, messageId, groupId))) throw notFound('Message');
      await messages.markRead(db, groupId, user.id, messageId, access.isMember);
      const target = access.type === 'public' ? rooms.user(db.schema, user.id) : groupRoom(db.schema, access);
      deps.bus.emit(target, 'read', { groupId, userId: user.id, messageId });
    },

    readAll: (db: TenantDb, user: User): Promise<void> => messages.readAll(db, user.id),
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
  sender?: { name: string | null; icon: string | null },
): Message {
  return {
    id,
    groupId,
    seq,
    clientId: body.clientId,
    author: {
      id: user.id,
      name: sender?.name ?? user.displayName ?? user.name,
      handle: user.handle,
      avatarUrl: sender?.icon ?? user.avatarUrl,
      ...(user.bot ? { bot: true } : {}),
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
