import type { TenantDb } from '@rosterchirp/db';
import type { DmRule, User, UserGroup } from '@rosterchirp/protocol';
import { type EventBus, rooms } from '@rosterchirp/protocol';
import { type Stores, UserGroupNameTaken } from '@rosterchirp/store';
import { activeUserNames } from './active-users.ts';
import { AppError, forbidden, notFound } from './app-error.ts';
import { type GroupService, membershipText } from './group-service.ts';
import type { MessageService } from './message-service.ts';
import type { SettingsService } from './settings-service.ts';

export type { DmRule, UserGroup };

/**
 * User groups (Group Manager, Team plan): named sets of users kept by admins and managers.
 * Each owns a managed chat whose members follow the user group; saving posts the membership
 * system messages of docs/PRODUCT.md §3 and updates every member's sidebar live.
 */
export function createUserGroupService(deps: {
  bus: EventBus;
  stores: Pick<Stores, 'userGroups' | 'groups'>;
  groups: GroupService;
  messages: MessageService;
  settings: SettingsService;
}) {
  const { userGroups } = deps.stores;

  async function guard(db: TenantDb, user: User) {
    await deps.settings.requireFeature(db, 'feature_group_manager');
    if (user.role !== 'admin' && user.role !== 'manager')
      throw forbidden('Only admins and managers manage user groups');
  }

  const activeIds = (db: TenantDb, ids: number[]) =>
    activeUserNames(deps.stores.groups, db, ids, 'memberIds');

  async function one(db: TenantDb, id: number): Promise<UserGroup | undefined> {
    return (await userGroups.list(db, id))[0];
  }

  /** Makes the managed chat's members equal the user group's, announcing every change. */
  async function sync(db: TenantDb, groupId: number, memberIds: number[], names: Map<number, string>) {
    const { added, removed } = await userGroups.syncChatMembers(db, groupId, memberIds);
    const room = rooms.group(db.schema, groupId);
    for (const id of added) deps.bus.join(rooms.user(db.schema, id), [room]);
    for (const { id } of removed) {
      deps.bus.leave(rooms.user(db.schema, id), [room]);
      deps.bus.emit(rooms.user(db.schema, id), 'group:removed', { groupId });
    }
    const group = { id: groupId, type: 'managed' as const };
    if (added.length) {
      const text = membershipText(
        'joined',
        added.map((id) => names.get(id)!),
      );
      await deps.messages.postSystem(db, group, text);
    }
    if (removed.length) {
      const text = membershipText(
        'removed',
        removed.map((r) => r.name),
      );
      await deps.messages.postSystem(db, group, text);
    }
    if (added.length || removed.length) await deps.groups.announceTo(db, groupId, memberIds);
  }

  const conflictOnName = (err: unknown): never => {
    if (err instanceof UserGroupNameTaken) {
      throw new AppError('CONFLICT', 'A user group with this name already exists', { field: 'name' });
    }
    throw err;
  };

  return {
    async list(db: TenantDb, user: User): Promise<UserGroup[]> {
      await guard(db, user);
      return userGroups.list(db);
    },

    async create(db: TenantDb, user: User, body: { name: string; memberIds: number[] }): Promise<UserGroup> {
      await guard(db, user);
      const name = body.name.trim();
      const names = await activeIds(db, body.memberIds);
      const id = await userGroups.create(db, name, user.id, [...names.keys()]).catch(conflictOnName);
      const created = (await one(db, id))!;
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
      const existing = await one(db, id);
      if (!existing) throw notFound('User group');
      const names = body.memberIds ? await activeIds(db, body.memberIds) : new Map<number, string>();
      const name = body.name?.trim();
      await userGroups
        .update(db, id, {
          name: name || undefined,
          memberIds: body.memberIds ? [...names.keys()] : undefined,
          managedGroupId: existing.managedGroupId,
        })
        .catch(conflictOnName);
      const updated = (await one(db, id))!;
      if (updated.managedGroupId) {
        if (body.memberIds) await sync(db, updated.managedGroupId, updated.memberIds, names);
        else if (name) await deps.groups.announceTo(db, updated.managedGroupId, updated.memberIds);
      }
      return updated;
    },

    /** Deletes the user group; its chat stays, as a private group, with its history. */
    async remove(db: TenantDb, user: User, id: number): Promise<void> {
      await guard(db, user);
      const existing = await one(db, id);
      if (!existing) throw notFound('User group');
      await userGroups.remove(db, id, existing.managedGroupId);
      if (existing.managedGroupId)
        await deps.groups.announceTo(db, existing.managedGroupId, existing.memberIds);
    },

    async restrictions(db: TenantDb, user: User): Promise<DmRule[]> {
      await guard(db, user);
      return userGroups.restrictions(db);
    },

    async setRestrictions(db: TenantDb, user: User, rules: DmRule[]): Promise<DmRule[]> {
      await guard(db, user);
      if (user.role !== 'admin') throw forbidden('Only admins set direct-message restrictions');
      const ids = [...new Set(rules.flatMap((r) => [r.fromUserGroupId, r.toUserGroupId]))];
      const known = new Set(await userGroups.existingIds(db, ids));
      const missing = ids.find((id) => !known.has(id));
      if (missing !== undefined)
        throw new AppError('NOT_FOUND', `User group ${missing} not found`, { field: 'rules' });
      await userGroups.setRestrictions(db, rules);
      return userGroups.restrictions(db);
    },
  };
}

export type UserGroupService = ReturnType<typeof createUserGroupService>;
