import type { TenantDb } from '@rosterchirp/db';
import type { Message, User } from '@rosterchirp/protocol';
import { AppError, notFound } from './app-error.ts';
import { groupAccess } from './group-access.ts';
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
