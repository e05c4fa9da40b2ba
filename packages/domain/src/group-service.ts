import type { TenantDb } from '@rosterchirp/db';
import type { CreateGroupBody, Group, Member, User } from '@rosterchirp/protocol';
import { type EventBus, rooms } from '@rosterchirp/protocol';
import { toMember } from '@rosterchirp/store';
import { activeUserNames } from './active-users.ts';
import { forbidden, invalid, notFound } from './app-error.ts';
import { dmRestricted } from './dm-restrictions.ts';
import { canManage, type GroupAccess, groupAccess, groupRoom } from './group-access.ts';
import { toGroup, visibleGroupsSql } from './group-queries.ts';
import type { MessageService } from './message-service.ts';

export interface GroupServiceDeps {
  bus: EventBus;
  messages: MessageService;
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
  async function viewOf(db: TenantDb, viewerId: number, groupId: number): Promise<Group> {
    const { rows } = await db.query(visibleGroupsSql(db.s, 'AND g.id = $2'), [viewerId, groupId]);
    if (!rows[0]) throw notFound('Conversation');
    return toGroup(rows[0]);
  }

  const activeUsers = (db: TenantDb, ids: number[]) => activeUserNames(db, ids, 'userIds');

  /** Tells every member (each with their own view) that the group changed. */
  async function announce(db: TenantDb, groupId: number, memberIds: number[]): Promise<void> {
    for (const id of memberIds) {
      const group = await viewOf(db, id, groupId);
      deps.bus.emit(rooms.user(db.schema, id), 'group:updated', { group });
    }
  }

  async function memberIdsOf(db: TenantDb, groupId: number): Promise<number[]> {
    const { rows } = await db.query<{ user_id: number }>(
      `SELECT user_id FROM ${db.s}.group_members WHERE group_id = $1`,
      [groupId],
    );
    return rows.map((r) => r.user_id);
  }

  async function announceToAudience(db: TenantDb, access: Pick<GroupAccess, 'id' | 'type'>, actorId: number) {
    if (access.type === 'public') {
      const group = await viewOf(db, actorId, access.id);
      deps.bus.emit(rooms.tenant(db.schema), 'group:updated', { group: { ...group, unread: 0 } });
    } else {
      await announce(db, access.id, await memberIdsOf(db, access.id));
    }
  }

  return {
    async list(db: TenantDb, user: User): Promise<Group[]> {
      const { rows } = await db.query(visibleGroupsSql(db.s), [user.id]);
      return rows.map(toGroup);
    },

    async detail(db: TenantDb, user: User, groupId: number): Promise<{ group: Group; members: Member[] }> {
      const access = await groupAccess(db, groupId, user);
      const group = await viewOf(db, user.id, groupId);
      const { rows } =
        access.type === 'public'
          ? await db.query(
              `SELECT id, name, display_name, handle, avatar_key, role, status, last_online FROM ${db.s}.users
               WHERE status = 'active' ORDER BY lower(name), id LIMIT 1000`,
            )
          : await db.query(
              `SELECT u.id, u.name, u.display_name, u.handle, u.avatar_key, u.role, u.status, u.last_online
               FROM ${db.s}.group_members gm JOIN ${db.s}.users u ON u.id = gm.user_id
               WHERE gm.group_id = $1 ORDER BY lower(u.name), u.id`,
              [groupId],
            );
      return { group, members: rows.map(toMember) };
    },

    /** Creates a chat. A direct chat is found rather than duplicated: `created` is then false. */
    async create(
      db: TenantDb,
      user: User,
      body: CreateGroupBody,
    ): Promise<{ group: Group; created: boolean }> {
      if (body.type === 'direct') {
        const others = [...new Set(body.memberIds ?? [])].filter((id) => id !== user.id);
        if (others.length !== 1) throw invalid('memberIds', 'A direct message needs exactly one other user');
        const peerId = others[0]!;
        await activeUsers(db, [peerId]);
        if (await dmRestricted(db, user, peerId)) {
          throw forbidden('Direct messages with this person are not allowed in your organisation');
        }
        const key = `${Math.min(user.id, peerId)}:${Math.max(user.id, peerId)}`;
        const created = await db.tx(async (q) => {
          const ins = await q.query<{ id: number }>(
            `INSERT INTO ${db.s}.groups (type, name, created_by, direct_key) VALUES ('direct', '', $1, $2)
             ON CONFLICT (direct_key) DO NOTHING RETURNING id`,
            [user.id, key],
          );
          if (!ins.rows[0]) return null;
          await q.query(
            `INSERT INTO ${db.s}.group_members (group_id, user_id, role) VALUES ($1, $2, 'member'), ($1, $3, 'member')`,
            [ins.rows[0].id, user.id, peerId],
          );
          return ins.rows[0].id;
        });
        const id =
          created ??
          (await db.query<{ id: number }>(`SELECT id FROM ${db.s}.groups WHERE direct_key = $1`, [key]))
            .rows[0]!.id;
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
        const { rows } = await db.query<{ id: number }>(
          `INSERT INTO ${db.s}.groups (type, name, created_by) VALUES ('public', $1, $2) RETURNING id`,
          [name, user.id],
        );
        const id = rows[0]!.id;
        await announceToAudience(db, { id, type: 'public' }, user.id);
        return { group: await viewOf(db, user.id, id), created: true };
      }

      const memberIds = [...new Set([user.id, ...(body.memberIds ?? [])])];
      await activeUsers(db, memberIds);
      const id = await db.tx(async (q) => {
        const { rows } = await q.query<{ id: number }>(
          `INSERT INTO ${db.s}.groups (type, name, created_by) VALUES ('private', $1, $2) RETURNING id`,
          [name, user.id],
        );
        const groupId = rows[0]!.id;
        await q.query(
          `INSERT INTO ${db.s}.group_members (group_id, user_id, role)
           SELECT $1, uid, CASE WHEN uid = $2 THEN 'owner' ELSE 'member' END FROM unnest($3::int[]) AS uid`,
          [groupId, user.id, memberIds],
        );
        return groupId;
      });
      for (const member of memberIds)
        deps.bus.join(rooms.user(db.schema, member), [rooms.group(db.schema, id)]);
      await announce(db, id, memberIds);
      return { group: await viewOf(db, user.id, id), created: true };
    },

    async rename(db: TenantDb, user: User, groupId: number, name: string | undefined): Promise<Group> {
      const access = await groupAccess(db, groupId, user);
      if (access.type === 'direct') throw forbidden('Direct messages cannot be renamed');
      if (access.type === 'managed') throw forbidden('Rename the user group instead; its chat follows it');
      if (!canManage(access, user))
        throw forbidden('Only the owner or an admin can rename this conversation');
      const trimmed = name?.trim();
      if (trimmed) {
        await db.query(`UPDATE ${db.s}.groups SET name = $2, updated_at = now() WHERE id = $1`, [
          groupId,
          trimmed,
        ]);
        await announceToAudience(db, access, user.id);
      }
      return viewOf(db, user.id, groupId);
    },

    async addMembers(db: TenantDb, user: User, groupId: number, userIds: number[]): Promise<Member[]> {
      const access = await groupAccess(db, groupId, user);
      if (access.type !== 'private') throw forbidden('Members can only be added to private groups');
      if (!canManage(access, user)) throw forbidden('Only the owner or an admin can add members');
      const names = await activeUsers(db, userIds);
      const { rows } = await db.query<{ user_id: number }>(
        `INSERT INTO ${db.s}.group_members (group_id, user_id) SELECT $1, unnest($2::int[])
         ON CONFLICT DO NOTHING RETURNING user_id`,
        [groupId, [...names.keys()]],
      );
      const added = rows.map((r) => r.user_id);
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
      const access = await groupAccess(db, groupId, user);
      if (access.type !== 'private') throw forbidden('Members can only be removed from private groups');
      if (userId !== user.id && !canManage(access, user))
        throw forbidden('Only the owner or an admin can remove members');
      const { rows } = await db.query<{ name: string }>(
        `DELETE FROM ${db.s}.group_members gm USING ${db.s}.users u
         WHERE gm.group_id = $1 AND gm.user_id = $2 AND u.id = gm.user_id
         RETURNING COALESCE(u.display_name, u.name) AS name`,
        [groupId, userId],
      );
      if (!rows[0]) throw notFound('Member');
      deps.bus.leave(rooms.user(db.schema, userId), [rooms.group(db.schema, groupId)]);
      deps.bus.emit(rooms.user(db.schema, userId), 'group:removed', { groupId });
      await deps.messages.postSystem(db, access, membershipText('removed', [rows[0].name]));
      await announceToAudience(db, access, user.id);
    },

    /** Tells these members (each with their own view) that a group changed. */
    announceTo: (db: TenantDb, groupId: number, userIds: number[]) => announce(db, groupId, userIds),

    /** Rooms of the non-public conversations a user belongs to (joined at connect). */
    /** Every public channel of the tenant (readable by every member). */
    async publicGroupIds(db: TenantDb): Promise<number[]> {
      const { rows } = await db.query<{ id: number }>(`SELECT id FROM ${db.s}.groups WHERE type = 'public'`);
      return rows.map((r) => r.id);
    },

    async memberRooms(db: TenantDb, userId: number): Promise<string[]> {
      const { rows } = await db.query<{ group_id: number }>(
        `SELECT gm.group_id FROM ${db.s}.group_members gm JOIN ${db.s}.groups g ON g.id = gm.group_id
         WHERE gm.user_id = $1 AND g.type <> 'public'`,
        [userId],
      );
      return rows.map((r) => groupRoom(db.schema, { id: r.group_id, type: 'private' }));
    },
  };
}

export type GroupService = ReturnType<typeof createGroupService>;
