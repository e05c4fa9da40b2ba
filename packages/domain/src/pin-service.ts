import type { TenantDb } from '@rosterchirp/db';
import type { Message, User } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { AppError } from './app-error.ts';
import { assertCanPost, groupAccess } from './group-access.ts';
import type { MessageAccess } from './message-access.ts';

/** Pins: any member who may post pins or unpins; the room sees message:updated. */
export function createPinService(deps: {
  stores: Pick<Stores, 'messages' | 'groups'>;
  access: MessageAccess;
}) {
  const { messages } = deps.stores;
  async function setPinned(db: TenantDb, user: User, messageId: number, pinned: boolean): Promise<void> {
    const { row, access } = await deps.access.readable(db, messageId, user);
    assertCanPost(access);
    if (row.kind !== 'user' || row.deletedAt)
      throw new AppError('CONFLICT', 'Only live user messages can be pinned');
    const changed = await messages.setPinned(db, messageId, pinned ? user.id : null);
    if (changed) await deps.access.announceUpdated(db, messageId, access); // else already in that state
  }

  return {
    pin: (db: TenantDb, user: User, messageId: number) => setPinned(db, user, messageId, true),
    unpin: (db: TenantDb, user: User, messageId: number) => setPinned(db, user, messageId, false),
    async list(db: TenantDb, user: User, groupId: number): Promise<Message[]> {
      await groupAccess(deps.stores.groups, db, groupId, user);
      return messages.pinned(db, groupId, user.id, 100);
    },
  };
}

export type PinService = ReturnType<typeof createPinService>;
