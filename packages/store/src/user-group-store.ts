import type { TenantDb } from '@rosterchirp/db';
import type { DmRule, UserGroup } from '@rosterchirp/protocol';

/** Why a write was refused: another user group has the name. */
export class UserGroupNameTaken extends Error {
  constructor() {
    super('user group name taken');
    this.name = 'UserGroupNameTaken';
  }
}

/** User groups (Group Manager), their managed chats' membership, and DM restrictions. */
export interface UserGroupStore {
  /** All user groups by name, or the one with this id. */
  list(db: TenantDb, id?: number): Promise<UserGroup[]>;
  /** Creates the user group and its managed chat; throws UserGroupNameTaken. */
  create(db: TenantDb, name: string, creatorId: number, memberIds: number[]): Promise<number>;
  /** Renames (and its chat) and/or replaces the members; throws UserGroupNameTaken. */
  update(
    db: TenantDb,
    id: number,
    change: { name?: string | undefined; memberIds?: number[] | undefined; managedGroupId: number | null },
  ): Promise<void>;
  /** Deletes the user group; its chat, if any, stays as a private group. */
  remove(db: TenantDb, id: number, managedGroupId: number | null): Promise<void>;
  /** Makes the chat's members exactly these; returns who was added and who removed (with names). */
  syncChatMembers(
    db: TenantDb,
    groupId: number,
    memberIds: number[],
  ): Promise<{ added: number[]; removed: Array<{ id: number; name: string }> }>;
  existingIds(db: TenantDb, ids: number[]): Promise<number[]>;
  restrictions(db: TenantDb): Promise<DmRule[]>;
  setRestrictions(db: TenantDb, rules: DmRule[]): Promise<void>;
}
