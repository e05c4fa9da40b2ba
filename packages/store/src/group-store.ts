import type { TenantDb } from '@rosterchirp/db';
import type { Group, GroupType, Member, NotifyLevel } from '@rosterchirp/protocol';

/** What a user may do with a group, as stored. */
export interface GroupAccessRow {
  id: number;
  type: GroupType;
  name: string;
  createdBy: number | null;
  isMember: boolean;
  /** Direct chat whose other side is gone: readable, not writable. */
  readonly: boolean;
}

/** Conversations and their members. */
export interface GroupStore {
  /** The group as this viewer sees it (unread, last message, DM peer), if visible to them. */
  view(db: TenantDb, viewerId: number, groupId: number): Promise<Group | null>;
  /** Every group visible to the viewer, most recent activity first. */
  visible(db: TenantDb, viewerId: number): Promise<Group[]>;
  access(db: TenantDb, groupId: number, userId: number): Promise<GroupAccessRow | null>;
  /** Members by name (a public channel's are all active users, at most `limit`). */
  members(db: TenantDb, groupId: number, isPublic: boolean, limit: number): Promise<Member[]>;
  memberIds(db: TenantDb, groupId: number): Promise<number[]>;
  /** Display names of the active users among `ids` (missing ones are simply absent). */
  activeNames(db: TenantDb, ids: number[]): Promise<Map<number, string>>;
  /** True when a user-group rule forbids `fromUserId` starting a DM with `toUserId`. */
  dmRestricted(db: TenantDb, fromUserId: number, toUserId: number): Promise<boolean>;
  /** A DM for the pair (`key` orders the ids); null when it already exists. */
  createDirect(db: TenantDb, creatorId: number, peerId: number, key: string): Promise<number | null>;
  directByKey(db: TenantDb, key: string): Promise<number | null>;
  createPublic(db: TenantDb, name: string, creatorId: number): Promise<number>;
  /** A private group owned by `ownerId` with these members (the owner among them). */
  createPrivate(db: TenantDb, name: string, ownerId: number, memberIds: number[]): Promise<number>;
  rename(db: TenantDb, groupId: number, name: string): Promise<void>;
  /** The object key of the conversation's picture, or null. */
  setAvatar(db: TenantDb, groupId: number, avatarKey: string | null): Promise<void>;
  /** The person's notification level for the conversation (null: back to the default). */
  setNotifyLevel(db: TenantDb, userId: number, groupId: number, level: NotifyLevel | null): Promise<void>;
  /** A public channel left (out of the person's list) or joined again. */
  setChannelLeft(db: TenantDb, userId: number, groupId: number, left: boolean): Promise<void>;
  /** Adds the users not yet members; returns those added. */
  addMembers(db: TenantDb, groupId: number, userIds: number[]): Promise<number[]>;
  /** Removes a member; their display name, or null when they were not one. */
  removeMember(db: TenantDb, groupId: number, userId: number): Promise<string | null>;
  publicIds(db: TenantDb): Promise<number[]>;
  /** The non-public groups a user belongs to. */
  memberGroupIds(db: TenantDb, userId: number): Promise<number[]>;
}
