import type { TenantDb } from '@rosterchirp/db';
import type { Message, User } from '@rosterchirp/protocol';
import type { EventBus } from '@rosterchirp/realtime';
import { AppError } from './app-error.ts';
import { assertCanPost, groupAccess, groupRoom } from './group-access.ts';
import { messageSelect, toMessage } from './mappers.ts';
import { loadMessage, readableMessage } from './message-access.ts';

/** Pins: any member who may post pins or unpins; the room sees message:updated. */
export function createPinService(deps: { bus: EventBus }) {
  async function setPinned(db: TenantDb, user: User, messageId: number, pinned: boolean): Promise<void> {
    const { row, access } = await readableMessage(db, messageId, user);
    assertCanPost(access);
    if (row.kind !== 'user' || row.deleted_at)
      throw new AppError('CONFLICT', 'Only live user messages can be pinned');
    const { rowCount } = await db.query(
      pinned
        ? `UPDATE ${db.s}.messages SET pinned_at = now(), pinned_by = $2 WHERE id = $1 AND pinned_at IS NULL`
        : `UPDATE ${db.s}.messages SET pinned_at = NULL, pinned_by = NULL WHERE id = $1 AND pinned_at IS NOT NULL AND $2::int IS NOT NULL`,
      [messageId, user.id],
    );
    if (!rowCount) return; // already in that state: nothing to announce
    const message = (await loadMessage(db, messageId, user.id))!;
    deps.bus.emit(groupRoom(db.schema, access), 'message:updated', {
      message: { ...message, reactions: message.reactions.map((r) => ({ ...r, mine: false })) },
    });
  }

  return {
    pin: (db: TenantDb, user: User, messageId: number) => setPinned(db, user, messageId, true),
    unpin: (db: TenantDb, user: User, messageId: number) => setPinned(db, user, messageId, false),
    async list(db: TenantDb, user: User, groupId: number): Promise<Message[]> {
      await groupAccess(db, groupId, user);
      const { rows } = await db.query(
        `${messageSelect(db.s, '$2')} WHERE m.group_id = $1 AND m.pinned_at IS NOT NULL AND m.deleted_at IS NULL
         ORDER BY m.pinned_at DESC LIMIT 100`,
        [groupId, user.id],
      );
      return rows.map(toMessage);
    },
  };
}

export type PinService = ReturnType<typeof createPinService>;
