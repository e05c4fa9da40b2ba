import type { TenantDb } from '@rosterchirp/db';
import type { EventBus, Message, User } from '@rosterchirp/protocol';
import { AppError } from './app-error.ts';
import { assertCanPost, groupAccess } from './group-access.ts';
import { messageSelect, toMessage } from './mappers.ts';
import { announceUpdated, readableMessage } from './message-access.ts';

/** Pins: any member who may post pins or unpins; the room sees message:updated. */
export function createPinService(deps: { bus: EventBus }) {
  async function setPinned(db: TenantDb, user: User, messageId: number, pinned: boolean): Promise<void> {
    const { row, access } = await readableMessage(db, messageId, user);
    assertCanPost(access);
    if (row.kind !== 'user' || row.deleted_at)
      throw new AppError('CONFLICT', 'Only live user messages can be pinned');
    const { rowCount } = pinned
      ? await db.query(
          `UPDATE ${db.s}.messages SET pinned_at = now(), pinned_by = $2 WHERE id = $1 AND pinned_at IS NULL`,
          [messageId, user.id],
        )
      : await db.query(
          `UPDATE ${db.s}.messages SET pinned_at = NULL, pinned_by = NULL WHERE id = $1 AND pinned_at IS NOT NULL`,
          [messageId],
        );
    if (rowCount) await announceUpdated(db, deps.bus, messageId, access); // else already in that state
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
