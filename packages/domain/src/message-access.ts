import type { TenantDb } from '@rosterchirp/db';
import type { EventBus, GroupType, Message, User } from '@rosterchirp/protocol';
import { AppError, notFound } from './app-error.ts';
import { groupAccess, groupRoom } from './group-access.ts';
import { messageSelect, toMessage } from './mappers.ts';

/** One message as `viewerId` sees it (reactions' `mine`), or null. */
export async function loadMessage(db: TenantDb, id: number, viewerId: number): Promise<Message | null> {
  const { rows } = await db.query(`${messageSelect(db.s, '$2')} WHERE m.id = $1`, [id, viewerId]);
  return rows[0] ? toMessage(rows[0]) : null;
}

/** A message `user` can read, with its group's access; anything else is "not found". */
export async function readableMessage(db: TenantDb, messageId: number, user: User) {
  const { rows } = await db.query<{
    group_id: number;
    author_id: number | null;
    kind: string;
    deleted_at: Date | null;
  }>(`SELECT group_id, author_id, kind, deleted_at FROM ${db.s}.messages WHERE id = $1`, [messageId]);
  const row = rows[0];
  if (!row) throw notFound('Message');
  const access = await groupAccess(db, row.group_id, user).catch((err: unknown) => {
    throw err instanceof AppError && err.code === 'NOT_FOUND' ? notFound('Message') : err;
  });
  return { row, access };
}

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

/** Re-reads a message after a background change (preview, thumbnail, pin) and announces it. */
export async function announceUpdated(
  db: TenantDb,
  bus: EventBus,
  messageId: number,
  group: { id: number; type: GroupType },
): Promise<void> {
  const message = await loadMessage(db, messageId, 0);
  if (message) emitUpdated(bus, db.schema, group, message);
}
