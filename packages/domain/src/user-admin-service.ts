import type { TenantDb } from '@rosterchirp/db';
import type { CreateUserBody, PatchUserBody, User } from '@rosterchirp/protocol';
import { type EventBus, rooms, type SessionEndReason } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { AppError, notFound } from './app-error.ts';
import { type AuditLine, type AuditService, auditWho } from './audit-service.ts';
import type { AuthService } from './auth-service.ts';
import type { Actor } from './context.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import type { UserService } from './user-service.ts';

export interface UserAdminDeps {
  bus: EventBus;
  stores: Pick<Stores, 'users'>;
  auth: AuthService;
  users: UserService;
  audit: AuditService;
  /** The workspace's default password (or USER_PASS) a reset sets, if any; else one is generated. */
  defaultPassword: (db: TenantDb) => Promise<string | undefined>;
}

const userTarget = (id: number) => ({ type: 'user' as const, id });

/**
 * What an admin does to someone else's account. Every step that takes access away ends the
 * user's sessions and closes their live connections on every instance at once; every step is
 * written to the audit log in the same transaction as the change.
 */
export function createUserAdminService(deps: UserAdminDeps) {
  const { users } = deps.stores;

  async function target(db: TenantDb, actor: Actor, userId: number): Promise<User> {
    if (userId === actor.user.id) throw new AppError('FORBIDDEN', 'You cannot do that to your own account');
    const user = await users.byId(db, userId);
    if (!user || user.status === 'deleted') throw notFound('User');
    return user;
  }

  async function setStatus(
    db: TenantDb,
    actor: Actor,
    userId: number,
    status: User['status'],
    action: AuditLine['action'],
  ): Promise<User> {
    const user = await deps.audit.within(
      db,
      auditWho(actor),
      (tx) => users.setStatus(tx, userId, status),
      (u) => (u ? { action, target: userTarget(userId), details: { email: u.email } } : null),
    );
    if (!user) throw notFound('User');
    return user;
  }

  async function signOutEverywhere(db: TenantDb, userId: number, reason: SessionEndReason): Promise<void> {
    await deps.auth.revokeSessions(db, userId, reason);
    // Connections of sessions revoked earlier by other means, if any, go too.
    deps.bus.disconnect(rooms.user(db.schema, userId));
  }

  return {
    /** A new account made by an admin; a generated password is returned once. */
    create: (db: TenantDb, actor: Actor, body: CreateUserBody) =>
      deps.users.create(db, body, { who: auditWho(actor), action: 'user.created' }),

    async suspend(db: TenantDb, actor: Actor, userId: number): Promise<User> {
      await target(db, actor, userId);
      const user = await setStatus(db, actor, userId, 'suspended', 'user.suspended');
      await signOutEverywhere(db, userId, 'suspended');
      return user;
    },

    /** Name, display name and role; the last active admin keeps the role. */
    async update(db: TenantDb, actor: Actor, userId: number, change: PatchUserBody): Promise<User> {
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
      const user = await deps.audit.within(
        db,
        auditWho(actor),
        (tx) => users.update(tx, userId, { name, displayName, role: change.role }),
        (updated) => {
          if (!updated) return null;
          const lines: AuditLine[] = [];
          const fields: Record<string, { from: unknown; to: unknown }> = {};
          if (updated.name !== current.name) fields.name = { from: current.name, to: updated.name };
          if (updated.displayName !== current.displayName)
            fields.displayName = { from: current.displayName, to: updated.displayName };
          if (Object.keys(fields).length)
            lines.push({ action: 'user.updated', target: userTarget(userId), details: fields });
          if (updated.role !== current.role)
            lines.push({
              action: 'user.role_changed',
              target: userTarget(userId),
              details: { from: current.role, to: updated.role },
            });
          return lines;
        },
      );
      if (!user) throw notFound('User');
      if (user.role !== current.role) {
        // The live audit log and the whole schedule follow the role: new admins hear the log,
        // former admins stop; admins and managers hear every schedule change, members not.
        const who = rooms.user(db.schema, userId);
        if (user.role === 'admin') deps.bus.join(who, [rooms.admins(db.schema)]);
        else if (current.role === 'admin') deps.bus.leave(who, [rooms.admins(db.schema)]);
        if (user.role === 'member') deps.bus.leave(who, [rooms.staff(db.schema)]);
        else if (current.role === 'member') deps.bus.join(who, [rooms.staff(db.schema)]);
      }
      return user;
    },

    async unsuspend(db: TenantDb, actor: Actor, userId: number): Promise<User> {
      await target(db, actor, userId);
      return setStatus(db, actor, userId, 'active', 'user.unsuspended');
    },

    /** A new password, shown once to the admin; the user must change it at next sign-in. */
    async resetPassword(db: TenantDb, actor: Actor, userId: number): Promise<string> {
      await target(db, actor, userId);
      const password = (await deps.defaultPassword(db)) ?? generatePassword();
      const hash = await hashPassword(password);
      await deps.audit.within(
        db,
        auditWho(actor),
        (tx) => users.setPassword(tx, userId, hash, true),
        () => ({ action: 'user.password_reset', target: userTarget(userId) }),
      );
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
      const before = await target(db, actor, userId);
      await deps.audit.within(
        db,
        auditWho(actor),
        (tx) => users.scrub(tx, userId),
        () => ({
          action: 'user.deleted',
          target: userTarget(userId),
          details: { email: before.email, name: before.name },
        }),
      );
      await signOutEverywhere(db, userId, 'deleted');
    },
  };
}

export type UserAdminService = ReturnType<typeof createUserAdminService>;
