import type { TenantDb } from '@rosterchirp/db';
import {
  isKnownTimeZone,
  type PatchMeBody,
  type Preferences,
  type PreferencesChange,
  type Role,
  type User,
  type UsersQuery,
  type UsersReply,
  withDefaultPreferences,
} from '@rosterchirp/protocol';
import { type Stores, UserTaken } from '@rosterchirp/store';
import { AppError, invalid, notFound } from './app-error.ts';
import type { AuditService, AuditWho } from './audit-service.ts';
import { baseHandle, uniqueHandle } from './handle.ts';
import { generatePassword, hashPassword } from './passwords.ts';

export interface NewUser {
  email: string;
  name: string;
  password?: string | undefined;
  role?: Role | undefined;
}

export interface UserServiceDeps {
  stores: Pick<Stores, 'users'>;
  /** The default password for users created without one (must be changed); none → generated. */
  defaultPassword: (db: TenantDb) => Promise<string | undefined>;
  audit: AuditService;
}

/** Who creates the account and how, for the audit log (an admin, an import, a registration). */
export interface CreationAudit {
  who: AuditWho;
  action: 'user.created' | 'user.imported';
  via?: string;
}

export function createUserService(deps: UserServiceDeps) {
  const { users } = deps.stores;
  return {
    list: (db: TenantDb): Promise<User[]> => users.list(db),

    /**
     * The directory, a page at a time (by name), searchable by name, handle or email. Members
     * see people without their email; admins and managers see it.
     */
    async directory(db: TenantDb, viewer: User, query: UsersQuery): Promise<UsersReply> {
      const limit = query.limit ?? 50;
      let after: { name: string; id: number } | undefined;
      if (query.cursor) {
        try {
          const [name, id] = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as [
            unknown,
            unknown,
          ];
          if (typeof name !== 'string' || !Number.isSafeInteger(id)) throw new Error('shape');
          after = { name, id: id as number };
        } catch {
          throw invalid('cursor', 'This cursor is not one we gave out');
        }
      }
      const q = query.q?.trim() || undefined;
      const rows = await users.page(db, { q, after, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const seesEmail = viewer.role === 'admin' || viewer.role === 'manager';
      return {
        users: seesEmail
          ? page
          : page.map((u) => (u.id === viewer.id ? u : { ...u, email: '', phone: null })),
        nextCursor:
          rows.length > limit && last
            ? Buffer.from(JSON.stringify([last.name.toLowerCase(), last.id])).toString('base64url')
            : null,
      };
    },

    async get(db: TenantDb, id: number): Promise<User> {
      const user = await users.byId(db, id);
      if (!user) throw notFound('User');
      return user;
    },

    /**
     * Creates a user with a collision-safe handle. Without a password the user gets USER_PASS
     * (or a generated one, returned once) and must change it at first sign-in. With `audit`, the
     * insert and its audit entry commit together (the password is hashed before, outside it).
     */
    async create(
      db: TenantDb,
      input: NewUser,
      audit?: CreationAudit,
    ): Promise<{ user: User; generatedPassword?: string }> {
      const generated = input.password ? undefined : ((await deps.defaultPassword(db)) ?? generatePassword());
      const password = input.password ?? generated!;
      const passwordHash = await hashPassword(password);
      for (let attempt = 0; attempt < 5; attempt++) {
        const handle = uniqueHandle(input.name, await users.handlesLike(db, baseHandle(input.name)));
        try {
          const row = {
            email: input.email.toLowerCase(),
            name: input.name.trim(),
            handle,
            role: input.role ?? 'member',
            passwordHash,
            mustChangePassword: generated !== undefined,
          };
          const user = audit
            ? await deps.audit.within(
                db,
                audit.who,
                (tx) => users.insert(tx, row),
                (u) => ({
                  action: audit.action,
                  target: { type: 'user', id: u.id },
                  details: { email: u.email, role: u.role, ...(audit.via ? { via: audit.via } : {}) },
                }),
              )
            : await users.insert(db, row);
          return generated === undefined ? { user } : { user, generatedPassword: generated };
        } catch (err) {
          if (!(err instanceof UserTaken)) throw err;
          if (err.field === 'email') {
            throw new AppError('CONFLICT', 'A user with this email already exists', { field: 'email' });
          }
          // Someone took the handle meanwhile: pick again.
        }
      }
      throw new AppError('CONFLICT', 'Could not find a free handle; try again');
    },

    /** The person's own profile: display name, about me, phone (blank clears). */
    async updateProfile(db: TenantDb, userId: number, change: PatchMeBody): Promise<User> {
      const clean = (v: string | null | undefined) => (v === undefined ? undefined : v?.trim() || null);
      const user = await users.updateProfile(db, userId, {
        displayName: clean(change.displayName),
        aboutMe: clean(change.aboutMe),
        phone: clean(change.phone),
      });
      if (!user) throw notFound('User');
      return user;
    },

    touchLastOnline: (db: TenantDb, userId: number): Promise<void> => users.touchLastOnline(db, userId),

    /** The person's preferences over the defaults. */
    async preferences(db: TenantDb, userId: number): Promise<Preferences> {
      return withDefaultPreferences(await users.preferences(db, userId));
    },

    /** Replaces the parts given; quiet hours need a time zone the server knows. */
    async updatePreferences(db: TenantDb, userId: number, change: PreferencesChange): Promise<Preferences> {
      if (change.quietHours && !isKnownTimeZone(change.quietHours.timeZone)) {
        throw invalid(
          'preferences.quietHours.timeZone',
          'Not a known time zone (an IANA name such as Europe/Oslo)',
        );
      }
      const current = withDefaultPreferences(await users.preferences(db, userId));
      const next: Preferences = {
        quietHours: change.quietHours === undefined ? current.quietHours : change.quietHours,
        sounds: { ...current.sounds, ...change.sounds },
        theme: change.theme ?? current.theme,
      };
      await users.setPreferences(db, userId, next);
      return next;
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
