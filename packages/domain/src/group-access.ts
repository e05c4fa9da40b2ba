import type { TenantDb } from '@rosterchirp/db';
import type { GroupType, User } from '@rosterchirp/protocol';
import { rooms } from '@rosterchirp/protocol';
import type { GroupAccessRow, GroupStore } from '@rosterchirp/store';
import { forbidden, notFound } from './app-error.ts';

export type GroupAccess = GroupAccessRow;

/**
 * What `user` may do with group `groupId`. A group the user cannot see is reported as not
 * found, so ids of private chats (and of other tenants) reveal nothing.
 */
export async function groupAccess(
  groups: GroupStore,
  db: TenantDb,
  groupId: number,
  user: User,
): Promise<GroupAccess> {
  const access = await groups.access(db, groupId, user.id);
  if (!access || (access.type !== 'public' && !access.isMember)) throw notFound('Conversation');
  return access;
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
