import type { TenantDb } from '@rosterchirp/db';
import type { Role, User } from '@rosterchirp/protocol';

export interface NewUserRow {
  email: string;
  name: string;
  handle: string;
  role: Role;
  passwordHash: string;
  mustChangePassword: boolean;
}

/** Why an insert was refused: the email or the handle is taken. */
export class UserTaken extends Error {
  constructor(readonly field: 'email' | 'handle') {
    super(`${field} taken`);
    this.name = 'UserTaken';
  }
}

/** The people of a tenant. Emails compare case-insensitively; deleted users keep their row. */
export interface UserStore {
  /** Everyone but deleted users, by name. */
  list(db: TenantDb): Promise<User[]>;
  /**
   * A page of the directory (not deleted), by name then id, after the keyset `after`; `q`
   * matches name, display name, handle or email anywhere (case-insensitive).
   */
  page(
    db: TenantDb,
    opts: { q?: string | undefined; after?: { name: string; id: number } | undefined; limit: number },
  ): Promise<User[]>;
  /** Changes name, display name and role; the user as now stored, or null. */
  update(
    db: TenantDb,
    id: number,
    change: {
      name?: string | undefined;
      displayName?: string | null | undefined;
      role?: User['role'] | undefined;
    },
  ): Promise<User | null>;
  /** Which of these emails (lower-case) belong to someone already. */
  existingEmails(db: TenantDb, emails: string[]): Promise<Set<string>>;
  /** The person's own profile fields (undefined leaves a field, null clears it). */
  updateProfile(
    db: TenantDb,
    id: number,
    change: {
      displayName?: string | null | undefined;
      aboutMe?: string | null | undefined;
      phone?: string | null | undefined;
      /** The object key of the server-made avatar (256 px; the same uuid under `thumb/` is the 64 px one). */
      avatarKey?: string | null | undefined;
    },
  ): Promise<User | null>;
  /** Active admins other than `exceptId`. */
  otherActiveAdmins(db: TenantDb, exceptId: number): Promise<number>;
  byId(db: TenantDb, id: number): Promise<User | null>;
  /** For sign-in: the user with that email (any case) and their password hash. */
  byEmailWithHash(db: TenantDb, email: string): Promise<{ user: User; passwordHash: string | null } | null>;
  /** Handles in use that are `base` followed by digits only (for collision-safe handles). */
  handlesLike(db: TenantDb, base: string): Promise<Set<string>>;
  /** Throws UserTaken when the email or the handle is in use. */
  insert(db: TenantDb, user: NewUserRow): Promise<User>;
  passwordHash(db: TenantDb, id: number): Promise<string | null>;
  setPassword(db: TenantDb, id: number, hash: string, mustChange: boolean): Promise<void>;
  setStatus(db: TenantDb, id: number, status: User['status']): Promise<User | null>;
  touchLastOnline(db: TenantDb, id: number): Promise<void>;
  /** The person's stored preferences (partial: the API fills in defaults). */
  preferences(db: TenantDb, id: number): Promise<Record<string, unknown>>;
  setPreferences(db: TenantDb, id: number, preferences: Record<string, unknown>): Promise<void>;
  /**
   * Delete as a scrub, in one transaction: the address freed, the name "Deleted User", personal
   * fields and password cleared, their messages emptied (rows kept), memberships gone except
   * direct chats (which turn read-only), user-group memberships gone.
   */
  scrub(db: TenantDb, id: number): Promise<void>;
}
