import type { TenantDb } from '@rosterchirp/db';
import type { CreateGroupBody, Group, Member, NotifyLevel, User } from '@rosterchirp/protocol';
import { type EventBus, rooms } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { activeUserNames } from './active-users.ts';
import { forbidden, invalid, notFound } from './app-error.ts';
import type { AuditService } from './audit-service.ts';
import type { AvatarService } from './avatar-service.ts';
import { canManage, type GroupAccess, groupAccess, groupRoom } from './group-access.ts';
import type { MessageService } from './message-service.ts';

export interface GroupServiceDeps {
  bus: EventBus;
  stores: Pick<Stores, 'groups'>;
  messages: MessageService;
  audit: AuditService;
  avatars: Pick<AvatarService, 'prepare'>;
}

/** The system-message texts of docs/PRODUCT.md §3. */
export function membershipText(change: 'joined' | 'removed', names: string[]): string {
  if (names.length === 1) {
    return change === 'joined'
      ? `${names[0]} has joined the conversation.`
      : `${names[0]} has been removed from the conversation.`;
  }
  return change === 'joined'
    ? `${names.length} new members have joined the conversation.`
    : `${names.length} members have been removed from the conversation.`;
}

export function createGroupService(deps: GroupServiceDeps) {
  const { groups } = deps.stores;
  async function viewOf(db: TenantDb, viewerId: number, groupId: number): Promise<Group> {
    const group = await groups.view(db, viewerId, groupId);
    if (!group) throw notFound('Conversation');
    return group;
  }

  const activeUsers = (db: TenantDb, ids: number[]) => activeUserNames(groups, db, ids, 'userIds');
  const accessTo = (db: TenantDb, groupId: number, user: User) => groupAccess(groups, db, groupId, user);

  /** Tells every member (each with their own view) that the group changed. */
  async function announce(db: TenantDb, groupId: number, memberIds: number[]): Promise<void> {
    for (const id of memberIds) {
      const group = await viewOf(db, id, groupId);
      deps.bus.emit(rooms.user(db.schema, id), 'group:updated', { group });
    }
  }

  const memberIdsOf = (db: TenantDb, groupId: number) => groups.memberIds(db, groupId);

  async function announceToAudience(db: TenantDb, access: Pick<GroupAccess, 'id' | 'type'>, actorId: number) {
    if (access.type === 'public') {
      const group = await viewOf(db, actorId, access.id);
      deps.bus.emit(rooms.tenant(db.schema), 'group:updated', { group: { ...group, unread: 0 } });
    } else {
      await announce(db, access.id, await memberIdsOf(db, access.id));
    }
  }

  return {
    list: (db: TenantDb, user: User): Promise<Group[]> => groups.visible(db, user.id),

    async detail(db: TenantDb, user: User, groupId: number): Promise<{ group: Group; members: Member[] }> {
      const access = await accessTo(db, groupId, user);
      const group = await viewOf(db, user.id, groupId);
      const members = await groups.members(db, groupId, access.type === 'public', 1000);
      return { group, members };
    },

    /** Creates a chat. A direct chat is found rather than duplicated: `created` is then false. */
    async create(
      db: TenantDb,
      user: User,
      body: CreateGroupBody,
      ip: string | null = null,
    ): Promise<{ group: Group; created: boolean }> {
      const who = { actorId: user.id, ip };
      const created = (type: 'public' | 'private') => (id: number) =>
        ({ action: 'group.created', target: { type: 'group', id }, details: { name, type } }) as const;
      if (body.type === 'direct') {
        const others = [...new Set(body.memberIds ?? [])].filter((id) => id !== user.id);
        if (others.length !== 1) throw invalid('memberIds', 'A direct message needs exactly one other user');
        const peerId = others[0]!;
        await activeUsers(db, [peerId]);
        if (user.role !== 'admin' && (await groups.dmRestricted(db, user.id, peerId))) {
          throw forbidden('Direct messages with this person are not allowed in your organisation');
        }
        const key = `${Math.min(user.id, peerId)}:${Math.max(user.id, peerId)}`;
        const created = await groups.createDirect(db, user.id, peerId, key);
        const id = created ?? (await groups.directByKey(db, key))!;
        if (created !== null) {
          for (const member of [user.id, peerId])
            deps.bus.join(rooms.user(db.schema, member), [rooms.group(db.schema, id)]);
          await announce(db, id, [user.id, peerId]);
        }
        return { group: await viewOf(db, user.id, id), created: created !== null };
      }

      const name = body.name?.trim();
      if (!name) throw invalid('name', 'A group needs a name');
      if (body.type === 'public') {
        if (user.role !== 'admin') throw forbidden('Only admins can create public channels');
        const id = await deps.audit.within(
          db,
          who,
          (tx) => groups.createPublic(tx, name, user.id),
          created('public'),
        );
        await announceToAudience(db, { id, type: 'public' }, user.id);
        return { group: await viewOf(db, user.id, id), created: true };
      }

      const memberIds = [...new Set([user.id, ...(body.memberIds ?? [])])];
      await activeUsers(db, memberIds);
      const id = await deps.audit.within(
        db,
        who,
        (tx) => groups.createPrivate(tx, name, user.id, memberIds),
        created('private'),
      );
      for (const member of memberIds)
        deps.bus.join(rooms.user(db.schema, member), [rooms.group(db.schema, id)]);
      await announce(db, id, memberIds);
      return { group: await viewOf(db, user.id, id), created: true };
    },

    /** Name and picture of a channel or private group (the owner or an admin). */
    async update(
      db: TenantDb,
      user: User,
      groupId: number,
      change: { name?: string | undefined; avatarKey?: string | null | undefined },
    ): Promise<Group> {
      const access = await accessTo(db, groupId, user);
      if (access.type === 'direct') throw forbidden('Direct messages cannot be renamed');
      if (access.type === 'managed') throw forbidden('Rename the user group instead; its chat follows it');
      if (!canManage(access, user))
        throw forbidden('Only the owner or an admin can change this conversation');
      const trimmed = change.name?.trim();
      // The picture is made (and checked) before anything changes.
      const avatarKey =
        change.avatarKey === undefined || change.avatarKey === null
          ? change.avatarKey
          : await deps.avatars.prepare(db, user, change.avatarKey);
      if (trimmed) await groups.rename(db, groupId, trimmed);
      if (avatarKey !== undefined) await groups.setAvatar(db, groupId, avatarKey);
      if (trimmed || avatarKey !== undefined) await announceToAudience(db, access, user.id);
      return viewOf(db, user.id, groupId);
    },

    async addMembers(db: TenantDb, user: User, groupId: number, userIds: number[]): Promise<Member[]> {
      const access = await accessTo(db, groupId, user);
      if (access.type !== 'private') throw forbidden('Members can only be added to private groups');
      if (!canManage(access, user)) throw forbidden('Only the owner or an admin can add members');
      const names = await activeUsers(db, userIds);
      const added = await groups.addMembers(db, groupId, [...names.keys()]);
      if (added.length > 0) {
        for (const id of added) deps.bus.join(rooms.user(db.schema, id), [rooms.group(db.schema, groupId)]);
        await deps.messages.postSystem(
          db,
          access,
          membershipText(
            'joined',
            added.map((id) => names.get(id)!),
          ),
        );
        await announceToAudience(db, access, user.id);
      }
      return (await this.detail(db, user, groupId)).members;
    },

    /** Removes a member (owner/admin), or lets a member leave. */
    async removeMember(db: TenantDb, user: User, groupId: number, userId: number): Promise<void> {
      const access = await accessTo(db, groupId, user);
      if (access.type !== 'private') throw forbidden('Members can only be removed from private groups');
      if (userId !== user.id && !canManage(access, user))
        throw forbidden('Only the owner or an admin can remove members');
      const removedName = await groups.removeMember(db, groupId, userId);
      if (removedName === null) throw notFound('Member');
      deps.bus.leave(rooms.user(db.schema, userId), [rooms.group(db.schema, groupId)]);
      deps.bus.emit(rooms.user(db.schema, userId), 'group:removed', { groupId });
      await deps.messages.postSystem(db, access, membershipText('removed', [removedName]));
      await announceToAudience(db, access, user.id);
    },

    /** The person's notification level for a conversation they can read; null restores the default. */
    async setNotifications(db: TenantDb, user: User, groupId: number, level: NotifyLevel): Promise<Group> {
      await accessTo(db, groupId, user);
      await groups.setNotifyLevel(db, user.id, groupId, level);
      const group = await viewOf(db, user.id, groupId);
      // The person's other devices show the same choice.
      deps.bus.emit(rooms.user(db.schema, user.id), 'group:updated', { group });
      return group;
    },

    /** Leaves a public channel (it leaves the person's list) or joins it again. */
    async setChannelJoined(db: TenantDb, user: User, groupId: number, joined: boolean): Promise<Group> {
      const access = await accessTo(db, groupId, user);
      if (access.type !== 'public') {
        throw forbidden('Only public channels are joined and left this way; leave a group from its members');
      }
      await groups.setChannelLeft(db, user.id, groupId, !joined);
      const group = await viewOf(db, user.id, groupId);
      deps.bus.emit(rooms.user(db.schema, user.id), 'group:updated', { group });
      return group;
    },

    /** Tells these members (each with their own view) that a group changed. */
    announceTo: (db: TenantDb, groupId: number, userIds: number[]) => announce(db, groupId, userIds),

    /** Every public channel of the tenant (readable by every member). */
    publicGroupIds: (db: TenantDb): Promise<number[]> => groups.publicIds(db),

    /** Rooms of the non-public conversations a user belongs to (joined at connect). */
    async memberRooms(db: TenantDb, userId: number): Promise<string[]> {
      return (await groups.memberGroupIds(db, userId)).map((id) =>
        groupRoom(db.schema, { id, type: 'private' }),
      );
    },
  };
}

export type GroupService = ReturnType<typeof createGroupService>;
