import type { TenantDb } from '@rosterchirp/db';
import type { EventBus, GroupType, Message, User } from '@rosterchirp/protocol';
import type { MessageHead, Stores } from '@rosterchirp/store';
import { AppError, notFound } from './app-error.ts';
import { type GroupAccess, groupAccess, groupRoom } from './group-access.ts';

/**
 * Tells a message's room that it changed. Broadcasts are the same for every recipient, so
 * `mine` is false; clients work it out from each reaction's `userIds`.
 */
export function emitUpdated(
  bus: EventBus,
  schema: string,
  group: { id: number; type: GroupType },
  message: Message,
) {
  bus.emit(groupRoom(schema, group), 'message:updated', {
    message: { ...message, reactions: message.reactions.map((r) => ({ ...r, mine: false })) },
  });
}

/** Reading messages the way every message feature needs: as a viewer, behind access checks. */
export function createMessageAccess(deps: { stores: Pick<Stores, 'messages' | 'groups'>; bus: EventBus }) {
  const { messages } = deps.stores;
  return {
    /** One message as `viewerId` sees it (reactions' `mine`), or null. */
    load: (db: TenantDb, id: number, viewerId: number): Promise<Message | null> =>
      messages.load(db, id, viewerId),

    /** A message `user` can read, with its group's access; anything else is "not found". */
    async readable(
      db: TenantDb,
      messageId: number,
      user: User,
    ): Promise<{ row: MessageHead; access: GroupAccess }> {
      const row = await messages.head(db, messageId);
      if (!row) throw notFound('Message');
      const access = await groupAccess(deps.stores.groups, db, row.groupId, user).catch((err: unknown) => {
        throw err instanceof AppError && err.code === 'NOT_FOUND' ? notFound('Message') : err;
      });
      return { row, access };
    },

    /** Re-reads a message after a background change (preview, thumbnail, pin) and announces it. */
    async announceUpdated(
      db: TenantDb,
      messageId: number,
      group: { id: number; type: GroupType },
    ): Promise<void> {
      const message = await messages.load(db, messageId, 0);
      if (message) emitUpdated(deps.bus, db.schema, group, message);
    },
  };
}

export type MessageAccess = ReturnType<typeof createMessageAccess>;
