import type { TenantDb } from '@rosterchirp/db';
import type { User } from '@rosterchirp/protocol';
import { type EventBus, rooms } from '@rosterchirp/protocol';
import { isUniqueViolation } from '@rosterchirp/store';
import { activeUserNames } from './active-users.ts';
import { AppError, forbidden, notFound } from './app-error.ts';
import { type GroupService, membershipText } from './group-service.ts';
import type { MessageService } from './message-service.ts';
import type { SettingsService } from './settings-service.ts';

export interface UserGroup {
  id: number;
  name: string;
  memberIds: number[];
  managedGroupId: number | null;
}

export interface DmRule {
  fromUserGroupId: number;
  toUserGroupId: number;
}

/**
 * User groups (Group Manager, Team plan): named sets of users kept by admins and managers.
 * Each owns a managed chat whose members follow the user group; saving posts the membership
 * system messages of docs/PRODUCT.md §3 and updates every member's sidebar live.
 */
export function createUserGroupService(deps: {
  bus: EventBus;
  groups: GroupService;
  messages: MessageService;
  settings: SettingsService;
}) {
  async function guard(db: TenantDb, user: User) {
    await deps.settings.requireFeature(db, 'feature_group_manager');
    if (user.role !== 'admin' && user.role !== 'manager')
      throw forbidden('Only admins and managers manage user groups');
  }

  const activeIds = (db: TenantDb, ids: number[]) => activeUserNames(db, ids, 'memberIds');

  async function load(db: TenantDb, id?: number): Promise<UserGroup[]> {
    const { rows } = await db.query<{
      id: number;
      name: string;
      managed_group_id: number | null;
      member_ids: number[];
    }>(
      `SELECT ug.id, ug.name, ug.managed_group_id,
         COALESCE(array_agg(m.user_id ORDER BY m.user_id) FILTER (WHERE m.user_id IS NOT NULL), '{}') AS member_ids
       FROM ${db.s}.user_groups ug LEFT JOIN ${db.s}.user_group_members m ON m.user_group_id = ug.id
       ${id === undefined ? '' : 'WHERE ug.id = $1'}
       GROUP BY ug.id ORDER BY lower(ug.name)`,
      id === undefined ? [] : [id],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      memberIds: r.member_ids,
      managedGroupId: r.managed_group_id,
    }));
  }

  /** Makes the managed chat's members equal the user group's, announcing every change. */
  async function sync(db: TenantDb, groupId: number, memberIds: number[], names: Map<number, string>) {
    const current = (
      await db.query<{ user_id: number }>(`SELECT user_id FROM ${db.s}.group_members WHERE group_id = $1`, [
        groupId,
      ])
    ).rows.map((r) => r.user_id);
    const wanted = new Set(memberIds);
    const added = memberIds.filter((id) => !current.includes(id));
    const removed = current.filter((id) => !wanted.has(id));
    if (added.length) {
      await db.query(
        `INSERT INTO ${db.s}.group_members (group_id, user_id) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING`,
        [groupId, added],
      );
    }
    if (removed.length) {
      const gone = await db.query<{ name: string; id: number }>(
        `DELETE FROM ${db.s}.group_members gm USING ${db.s}.users u
         WHERE gm.group_id = $1 AND gm.user_id = ANY($2::int[]) AND u.id = gm.user_id
         RETURNING u.id, COALESCE(u.display_name, u.name) AS name`,
        [groupId, removed],
      );
      for (const r of gone.rows) names.set(r.id, r.name);
    }
    const room = rooms.group(db.schema, groupId);
    for (const id of added) deps.bus.join(rooms.user(db.schema, id), [room]);
    for (const id of removed) {
      deps.bus.leave(rooms.user(db.schema, id), [room]);
      deps.bus.emit(rooms.user(db.schema, id), 'group:removed', { groupId });
    }
    const group = { id: groupId, type: 'managed' as const };
    if (added.length)
      await deps.messages.postSystem(
        db,
        group,
        membershipText(
          'joined',
          added.map((id) => names.get(id)!),
        ),
      );
    if (removed.length)
      await deps.messages.postSystem(
        db,
        group,
        membershipText(
          'removed',
          removed.map((id) => names.get(id)!),
        ),
      );
    if (added.length || removed.length) await deps.groups.announceTo(db, groupId, memberIds);
  }

  const conflictOnName = (err: unknown) => {
    if (isUniqueViolation(err, 'user_groups_name_key')) {
      throw new AppError('CONFLICT', 'A user group with this name already exists', { field: 'name' });
    }
    throw err;
  };

  return {
    async list(db: TenantDb, user: User): Promise<UserGroup[]> {
      await guard(db, user);
      return load(db);
    },

    async create(db: TenantDb, user: User, body: { name: string; memberIds: number[] }): Promise<UserGroup> {
      await guard(db, user);
      const name = body.name.trim();
      const names = await activeIds(db, body.memberIds);
      const id = await db
        .tx(async (q) => {
          const chat = await q.query<{ id: number }>(
            `INSERT INTO ${db.s}.groups (type, name, created_by) VALUES ('managed', $1, $2) RETURNING id`,
            [name, user.id],
          );
          const ug = await q.query<{ id: number }>(
            `INSERT INTO ${db.s}.user_groups (name, managed_group_id, created_by) VALUES ($1, $2, $3) RETURNING id`,
            [name, chat.rows[0]!.id, user.id],
          );
          await q.query(
            `INSERT INTO ${db.s}.user_group_members (user_group_id, user_id) SELECT $1, unnest($2::int[])`,
            [ug.rows[0]!.id, [...names.keys()]],
          );
          return ug.rows[0]!.id;
        })
        .catch(conflictOnName);
      const created = (await load(db, id))[0]!;
      await sync(db, created.managedGroupId!, created.memberIds, names);
      return created;
    },

    async update(
      db: TenantDb,
      user: User,
      id: number,
      body: { name?: string; memberIds?: number[] },
    ): Promise<UserGroup> {
      await guard(db, user);
      const existing = (await load(db, id))[0];
      if (!existing) throw notFound('User group');
      const names = body.memberIds ? await activeIds(db, body.memberIds) : new Map<number, string>();
      const name = body.name?.trim();
      await db
        .tx(async (q) => {
          if (name) {
            await q.query(`UPDATE ${db.s}.user_groups SET name = $2, updated_at = now() WHERE id = $1`, [
              id,
              name,
            ]);
            if (existing.managedGroupId) {
              await q.query(`UPDATE ${db.s}.groups SET name = $2, updated_at = now() WHERE id = $1`, [
                existing.managedGroupId,
                name,
              ]);
            }
          }
          if (body.memberIds) {
            await q.query(`DELETE FROM ${db.s}.user_group_members WHERE user_group_id = $1`, [id]);
            await q.query(
              `INSERT INTO ${db.s}.user_group_members (user_group_id, user_id) SELECT $1, unnest($2::int[])`,
              [id, [...names.keys()]],
            );
          }
        })
        .catch(conflictOnName);
      const updated = (await load(db, id))[0]!;
      if (updated.managedGroupId) {
        if (body.memberIds) await sync(db, updated.managedGroupId, updated.memberIds, names);
        else if (name) await deps.groups.announceTo(db, updated.managedGroupId, updated.memberIds);
      }
      return updated;
    },

    /** Deletes the user group; its chat stays, as a private group, with its history. */
    async remove(db: TenantDb, user: User, id: number): Promise<void> {
      await guard(db, user);
      const existing = (await load(db, id))[0];
      if (!existing) throw notFound('User group');
      await db.tx(async (q) => {
        if (existing.managedGroupId) {
          await q.query(`UPDATE ${db.s}.groups SET type = 'private' WHERE id = $1`, [
            existing.managedGroupId,
          ]);
        }
        await q.query(`DELETE FROM ${db.s}.user_groups WHERE id = $1`, [id]);
      });
      if (existing.managedGroupId)
        await deps.groups.announceTo(db, existing.managedGroupId, existing.memberIds);
    },

    async restrictions(db: TenantDb, user: User): Promise<DmRule[]> {
      await guard(db, user);
      const { rows } = await db.query<{ from_user_group: number; to_user_group: number }>(
        `SELECT from_user_group, to_user_group FROM ${db.s}.dm_restrictions ORDER BY 1, 2`,
      );
      return rows.map((r) => ({ fromUserGroupId: r.from_user_group, toUserGroupId: r.to_user_group }));
    },

    async setRestrictions(db: TenantDb, user: User, rules: DmRule[]): Promise<DmRule[]> {
      await guard(db, user);
      if (user.role !== 'admin') throw forbidden('Only admins set direct-message restrictions');
      const ids = [...new Set(rules.flatMap((r) => [r.fromUserGroupId, r.toUserGroupId]))];
      const known = await db.query<{ id: number }>(
        `SELECT id FROM ${db.s}.user_groups WHERE id = ANY($1::int[])`,
        [ids],
      );
      const missing = ids.find((id) => !known.rows.some((r) => r.id === id));
      if (missing !== undefined)
        throw new AppError('NOT_FOUND', `User group ${missing} not found`, { field: 'rules' });
      await db.tx(async (q) => {
        await q.query(`DELETE FROM ${db.s}.dm_restrictions`);
        if (rules.length) {
          await q.query(
            `INSERT INTO ${db.s}.dm_restrictions (from_user_group, to_user_group)
             SELECT * FROM unnest($1::int[], $2::int[]) ON CONFLICT DO NOTHING`,
            [rules.map((r) => r.fromUserGroupId), rules.map((r) => r.toUserGroupId)],
          );
        }
      });
      return this.restrictions(db, user);
    },
  };
}

export type UserGroupService = ReturnType<typeof createUserGroupService>;
