import type { TenantDb } from '@rosterchirp/db';
import type { PatchUserBody, User } from '@rosterchirp/protocol';
import { type EventBus, rooms } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { AppError, notFound } from './app-error.ts';
import type { AuthService } from './auth-service.ts';
import type { Actor } from './context.ts';
import { generatePassword, hashPassword } from './passwords.ts';

export interface UserAdminDeps {
  bus: EventBus;
  stores: Pick<Stores, 'users'>;
  auth: AuthService;
  /** USER_PASS: what a reset sets when configured (the user must change it). */
  defaultPassword: string | undefined;
}

/**
 * What an admin does to someone else's account. Every step that takes access away ends the
 * user's sessions and closes their live connections on every instance at once.
 */
export function createUserAdminService(deps: UserAdminDeps) {
  const { users } = deps.stores;

  async function target(db: TenantDb, actor: Actor, userId: number): Promise<User> {
    if (userId === actor.user.id) throw new AppError('FORBIDDEN', 'You cannot do that to your own account');
    const user = await users.byId(db, userId);
    if (!user || user.status === 'deleted') throw notFound('User');
    return user;
  }

  async function setStatus(db: TenantDb, userId: number, status: User['status']): Promise<User> {
    const user = await users.setStatus(db, userId, status);
    if (!user) throw notFound('User');
    return user;
  }

  async function signOutEverywhere(db: TenantDb, userId: number, reason: string): Promise<void> {
    await deps.auth.revokeSessions(db, userId, reason);
    // Connections of sessions revoked earlier by other means, if any, go too.
    deps.bus.disconnect(rooms.user(db.schema, userId));
  }

  return {
    async suspend(db: TenantDb, actor: Actor, userId: number): Promise<User> {
      await target(db, actor, userId);
      const user = await setStatus(db, userId, 'suspended');
      await signOutEverywhere(db, userId, 'suspended');
      return user;
    },

    /** Name, display name and role; the last active admin keeps the role. */
    async update(db: TenantDb, userId: number, change: PatchUserBody): Promise<User> {
      const current = await users.byId(db, userId);
      if (!current || current.status === 'deleted') throw notFound('User');
      if (change.role && change.role !== 'admin' && current.role === 'admin') {
        if ((await users.otherActiveAdmins(db, userId)) === 0) {
          throw new AppError(
            'CONFLICT',
            'The last admin cannot stop being one; make someone else admin first',
          );
        }
      }
      const name = change.name?.trim();
      if (change.name !== undefined && !name)
        throw new AppError('VALIDATION_FAILED', 'A name is needed', { field: 'name' });
      const displayName = change.displayName === undefined ? undefined : change.displayName?.trim() || null;
      const user = await users.update(db, userId, { name, displayName, role: change.role });
      if (!user) throw notFound('User');
      return user;
    },

    async unsuspend(db: TenantDb, actor: Actor, userId: number): Promise<User> {
      await target(db, actor, userId);
      return setStatus(db, userId, 'active');
    },

    /** A new password, shown once to the admin; the user must change it at next sign-in. */
    async resetPassword(db: TenantDb, actor: Actor, userId: number): Promise<string> {
      await target(db, actor, userId);
      const password = deps.defaultPassword ?? generatePassword();
      await users.setPassword(db, userId, await hashPassword(password), true);
      await signOutEverywhere(db, userId, 'password_reset');
      return password;
    },

    /**
     * Delete is a scrub, not a row removal: the address is freed, the name becomes "Deleted
     * User", personal fields and the password are cleared, their messages are emptied (rows kept
     * so replies stay intact), they leave every conversation but their direct ones (which turn
     * read-only), and every session ends.
     */
    async remove(db: TenantDb, actor: Actor, userId: number): Promise<void> {
      await target(db, actor, userId);
      await users.scrub(db, userId);
      await signOutEverywhere(db, userId, 'deleted');
    },
  };
}

export type UserAdminService = ReturnType<typeof createUserAdminService>;
