import type { TenantDb } from '@rosterchirp/db';
import type { User } from '@rosterchirp/protocol';
import { type EventBus, rooms } from '@rosterchirp/protocol';
import { AppError, notFound } from './app-error.ts';
import type { AuthService } from './auth-service.ts';
import type { Actor } from './context.ts';
import { toUser, USER_COLUMNS } from './mappers.ts';
import { generatePassword, hashPassword } from './passwords.ts';

export interface UserAdminDeps {
  bus: EventBus;
  auth: AuthService;
  /** USER_PASS: what a reset sets when configured (the user must change it). */
  defaultPassword: string | undefined;
}

/**
 * What an admin does to someone else's account. Every step that takes access away ends the
 * user's sessions and closes their live connections on every instance at once.
 */
export function createUserAdminService(deps: UserAdminDeps) {
  async function target(db: TenantDb, actor: Actor, userId: number): Promise<User> {
    if (userId === actor.user.id) throw new AppError('FORBIDDEN', 'You cannot do that to your own account');
    const { rows } = await db.query(`SELECT ${USER_COLUMNS} FROM ${db.s}.users u WHERE u.id = $1`, [userId]);
    if (!rows[0] || rows[0].status === 'deleted') throw notFound('User');
    return toUser(rows[0]);
  }

  async function setStatus(db: TenantDb, userId: number, status: User['status']): Promise<User> {
    const { rows } = await db.query(
      `UPDATE ${db.s}.users u SET status = $2 WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
      [userId, status],
    );
    return toUser(rows[0]!);
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

    async unsuspend(db: TenantDb, actor: Actor, userId: number): Promise<User> {
      await target(db, actor, userId);
      return setStatus(db, userId, 'active');
    },

    /** A new password, shown once to the admin; the user must change it at next sign-in. */
    async resetPassword(db: TenantDb, actor: Actor, userId: number): Promise<string> {
      await target(db, actor, userId);
      const password = deps.defaultPassword ?? generatePassword();
      await db.query(
        `UPDATE ${db.s}.users SET password_hash = $2, must_change_password = true WHERE id = $1`,
        [userId, await hashPassword(password)],
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
      await target(db, actor, userId);
      await db.tx(async (q) => {
        await q.query(
          `UPDATE ${db.s}.users SET status = 'deleted', email = 'deleted_' || id || '@deleted', name = 'Deleted User',
             display_name = NULL, avatar_key = NULL, about_me = NULL, phone = NULL, password_hash = NULL,
             must_change_password = false
           WHERE id = $1`,
          [userId],
        );
        await q.query(
          `UPDATE ${db.s}.messages SET content = '', image_key = NULL, deleted_at = coalesce(deleted_at, now())
           WHERE author_id = $1`,
          [userId],
        );
        await q.query(
          `DELETE FROM ${db.s}.group_members gm USING ${db.s}.groups g
           WHERE gm.group_id = g.id AND gm.user_id = $1 AND g.type <> 'direct'`,
          [userId],
        );
        await q.query(`DELETE FROM ${db.s}.user_group_members WHERE user_id = $1`, [userId]);
      });
      await signOutEverywhere(db, userId, 'deleted');
    },
  };
}

export type UserAdminService = ReturnType<typeof createUserAdminService>;
