import type { TenantDb } from '@rosterchirp/db';
import type { GroupType, User } from '@rosterchirp/protocol';
import { rooms } from '@rosterchirp/protocol';
import { forbidden, notFound } from './app-error.ts';

export interface GroupAccess {
  id: number;
  type: GroupType;
  name: string;
  createdBy: number | null;
  isMember: boolean;
  /** Direct chat whose other side was deleted: readable, not writable. */
  readonly: boolean;
}

/**
 * What `user` may do with group `groupId`. A group the user cannot see is reported as not
 * found, so ids of private chats (and of other tenants) reveal nothing.
 */
export async function groupAccess(db: TenantDb, groupId: number, user: User): Promise<GroupAccess> {
  const { rows } = await db.query<{
    id: number;
    type: GroupType;
    name: string;
    created_by: number | null;
    is_member: boolean;
    readonly: boolean;
  }>(
    `SELECT g.id, g.type, g.name, g.created_by,
       EXISTS (SELECT 1 FROM ${db.s}.group_members WHERE group_id = g.id AND user_id = $2) AS is_member,
       (g.type = 'direct' AND (
          (SELECT count(*) FROM ${db.s}.group_members WHERE group_id = g.id) < 2
          OR EXISTS (SELECT 1 FROM ${db.s}.group_members dm JOIN ${db.s}.users du ON du.id = dm.user_id
                     WHERE dm.group_id = g.id AND du.status = 'deleted'))) AS readonly
     FROM ${db.s}.groups g WHERE g.id = $1`,
    [groupId, user.id],
  );
  const row = rows[0];
  if (!row || (row.type !== 'public' && !row.is_member)) throw notFound('Conversation');
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    createdBy: row.created_by,
    isMember: row.is_member,
    readonly: row.readonly,
  };
}

export function assertCanPost(access: GroupAccess): void {
  if (access.readonly) throw forbidden('This conversation is read-only');
}

export function canManage(access: GroupAccess, user: User): boolean {
  return user.role === 'admin' || (access.createdBy === user.id && access.type !== 'public');
}

/** The room a group's events go to: public groups reach the whole tenant. */
export function groupRoom(schema: string, group: { id: number; type: GroupType }): string {
  return group.type === 'public' ? rooms.tenant(schema) : rooms.group(schema, group.id);
}
