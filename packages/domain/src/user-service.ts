import type { TenantDb } from '@rosterchirp/db';
import type { Role, User } from '@rosterchirp/protocol';
import { AppError, notFound } from './app-error.ts';
import { baseHandle, uniqueHandle } from './handle.ts';
import { toUser, USER_COLUMNS } from './mappers.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import { isUniqueViolation } from './pg-errors.ts';

export interface NewUser {
  email: string;
  name: string;
  password?: string | undefined;
  role?: Role | undefined;
}

export interface UserServiceDeps {
  /** USER_PASS: the default password for users created without one (must be changed). */
  defaultPassword: string | undefined;
}

export function createUserService(deps: UserServiceDeps) {
  async function takenHandles(db: TenantDb, name: string): Promise<Set<string>> {
    const base = baseHandle(name);
    const { rows } = await db.query<{ handle: string }>(
      `SELECT handle FROM ${db.s}.users
       WHERE left(handle, length($1)) = $1 AND substr(handle, length($1) + 1) ~ '^[0-9]*$'`,
      [base],
    );
    return new Set(rows.map((r) => r.handle));
  }

  return {
    async list(db: TenantDb): Promise<User[]> {
      const { rows } = await db.query(
        `SELECT ${USER_COLUMNS} FROM ${db.s}.users u WHERE u.status <> 'deleted' ORDER BY lower(u.name), u.id`,
      );
      return rows.map(toUser);
    },

    async get(db: TenantDb, id: number): Promise<User> {
      const { rows } = await db.query(`SELECT ${USER_COLUMNS} FROM ${db.s}.users u WHERE u.id = $1`, [id]);
      if (!rows[0]) throw notFound('User');
      return toUser(rows[0]);
    },

    /**
     * Creates a user with a collision-safe handle. Without a password the user gets USER_PASS
     * (or a generated one, returned once) and must change it at first sign-in.
     */
    async create(db: TenantDb, input: NewUser): Promise<{ user: User; generatedPassword?: string }> {
      const generated = input.password ? undefined : (deps.defaultPassword ?? generatePassword());
      const password = input.password ?? generated!;
      const hash = await hashPassword(password);
      for (let attempt = 0; attempt < 5; attempt++) {
        const handle = uniqueHandle(input.name, await takenHandles(db, input.name));
        try {
          const { rows } = await db.query(
            `INSERT INTO ${db.s}.users AS u (email, name, handle, role, password_hash, must_change_password)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
            [
              input.email.toLowerCase(),
              input.name.trim(),
              handle,
              input.role ?? 'member',
              hash,
              generated !== undefined,
            ],
          );
          const user = toUser(rows[0]!);
          return generated === undefined ? { user } : { user, generatedPassword: generated };
        } catch (err) {
          if (isUniqueViolation(err, 'users_email_key')) {
            throw new AppError('CONFLICT', 'A user with this email already exists', { field: 'email' });
          }
          if (!isUniqueViolation(err, 'users_handle_key')) throw err;
        }
      }
      throw new AppError('CONFLICT', 'Could not find a free handle; try again');
    },

    async touchLastOnline(db: TenantDb, userId: number): Promise<void> {
      await db.query(`UPDATE ${db.s}.users SET last_online = now() WHERE id = $1`, [userId]);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
