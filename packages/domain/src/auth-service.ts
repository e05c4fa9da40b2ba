import { randomUUID } from 'node:crypto';
import type { TenantDb } from '@rosterchirp/db';
import type { Device, LoginBody, PasswordBody, RegisterBody, User } from '@rosterchirp/protocol';
import { type EventBus, rooms } from '@rosterchirp/protocol';
import { AppError } from './app-error.ts';
import type { Actor } from './context.ts';
import { toUser, USER_COLUMNS } from './mappers.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { SettingsService } from './settings-service.ts';
import type { TokenSigner } from './tokens.ts';
import type { UserService } from './user-service.ts';

export interface AuthServiceDeps {
  signer: TokenSigner;
  bus: EventBus;
  users: UserService;
  settings: SettingsService;
  sessionTtlDays: number;
}

export interface SessionInfo {
  id: string;
  device: Device;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

export interface SignedIn {
  token: string;
  user: User;
  sessionId: string;
  expiresAt: Date;
}

const unauthenticated = () => new AppError('UNAUTHENTICATED', 'Sign in to continue');

export function createAuthService(deps: AuthServiceDeps) {
  const ttlSeconds = deps.sessionTtlDays * 86_400;

  /** Opens a session, displacing the user's previous session of the same device class. */
  async function openSession(
    db: TenantDb,
    user: User,
    device: Device,
    userAgent?: string,
  ): Promise<SignedIn> {
    const sessionId = randomUUID();
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const displaced = await db.tx(async (q) => {
      const old = await q.query<{ id: string }>(
        `UPDATE ${db.s}.sessions SET revoked_at = now(), revoked_reason = 'displaced'
         WHERE user_id = $1 AND device = $2 AND revoked_at IS NULL RETURNING id`,
        [user.id, device],
      );
      await q.query(
        `INSERT INTO ${db.s}.sessions (id, user_id, device, expires_at, user_agent, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, now())`,
        [sessionId, user.id, device, expiresAt, userAgent?.slice(0, 300) ?? null],
      );
      return old.rows.map((r) => r.id);
    });
    for (const id of displaced) {
      const room = rooms.session(db.schema, id);
      deps.bus.emit(room, 'session:displaced', {});
      deps.bus.disconnect(room);
    }
    const token = deps.signer.sign({ sid: sessionId, uid: user.id, sch: db.schema }, ttlSeconds);
    return { token, user, sessionId, expiresAt };
  }

  /**
   * Ends sessions and closes their live connections on every instance (socket.io and the
   * stream both sit in the session's room): all of a user's, or all but `exceptSessionId`.
   */
  async function revokeSessions(
    db: TenantDb,
    userId: number,
    reason: string,
    exceptSessionId?: string,
  ): Promise<number> {
    const { rows } = await db.query<{ id: string }>(
      `UPDATE ${db.s}.sessions SET revoked_at = now(), revoked_reason = $3
       WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid) RETURNING id`,
      [userId, exceptSessionId ?? null, reason],
    );
    for (const { id } of rows) deps.bus.disconnect(rooms.session(db.schema, id));
    return rows.length;
  }

  return {
    revokeSessions,

    /** Everyone's "where am I signed in": live sessions, newest first. */
    async sessions(db: TenantDb, actor: Actor): Promise<SessionInfo[]> {
      const { rows } = await db.query<{
        id: string;
        device: Device;
        user_agent: string | null;
        created_at: Date;
        last_seen_at: Date | null;
      }>(
        `SELECT id, device, user_agent, created_at, last_seen_at FROM ${db.s}.sessions
         WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC`,
        [actor.user.id],
      );
      return rows.map((r) => ({
        id: r.id,
        device: r.device,
        userAgent: r.user_agent,
        createdAt: r.created_at.toISOString(),
        lastSeenAt: (r.last_seen_at ?? r.created_at).toISOString(),
        current: r.id === actor.sessionId,
      }));
    },

    /** Signs one of the caller's own devices out, live. */
    async endSession(db: TenantDb, actor: Actor, sessionId: string): Promise<void> {
      const { rowCount } = await db.query(
        `UPDATE ${db.s}.sessions SET revoked_at = now(), revoked_reason = 'signed_out_remotely'
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`,
        [sessionId, actor.user.id],
      );
      if (!rowCount) throw new AppError('NOT_FOUND', 'No such session');
      deps.bus.disconnect(rooms.session(db.schema, sessionId));
    },

    /** A live connection opened on this session (shown as "last seen"). */
    async touchSession(db: TenantDb, sessionId: string): Promise<void> {
      await db.query(`UPDATE ${db.s}.sessions SET last_seen_at = now() WHERE id = $1`, [sessionId]);
    },

    async login(db: TenantDb, body: LoginBody, device: Device, userAgent?: string): Promise<SignedIn> {
      const { rows } = await db.query(
        `SELECT ${USER_COLUMNS}, u.password_hash FROM ${db.s}.users u WHERE lower(u.email) = lower($1)`,
        [body.email],
      );
      const row = rows[0];
      const ok = await verifyPassword((row?.password_hash as string | undefined) ?? null, body.password);
      if (!row || !ok || row.status === 'deleted') {
        throw new AppError('UNAUTHENTICATED', 'Email or password is incorrect');
      }
      if (row.status === 'suspended') throw new AppError('FORBIDDEN', 'This account is suspended');
      return openSession(db, toUser(row), device, userAgent);
    },

    /** Resolves a token to its user and live session, within the tenant the request came to. */
    async authenticate(db: TenantDb, token: string | undefined): Promise<Actor> {
      if (!token) throw unauthenticated();
      const claims = deps.signer.verify(token);
      if (!claims || claims.sch !== db.schema) throw unauthenticated();
      const { rows } = await db.query(
        `SELECT ${USER_COLUMNS} FROM ${db.s}.sessions s JOIN ${db.s}.users u ON u.id = s.user_id
         WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.status = 'active'`,
        [claims.sid, claims.uid],
      );
      const row = rows[0];
      if (!row) throw new AppError('UNAUTHENTICATED', 'Your session has ended; sign in again');
      return { user: toUser(row), sessionId: claims.sid };
    },

    async logout(db: TenantDb, actor: Actor): Promise<void> {
      await db.query(
        `UPDATE ${db.s}.sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE id = $1 AND revoked_at IS NULL`,
        [actor.sessionId],
      );
      deps.bus.disconnect(rooms.session(db.schema, actor.sessionId));
    },

    async register(db: TenantDb, body: RegisterBody, device: Device, userAgent?: string): Promise<SignedIn> {
      if (!(await deps.settings.get(db, 'registration_open'))) {
        throw new AppError('FORBIDDEN', 'Registration is closed; ask an admin for an account');
      }
      const { user } = await deps.users.create(db, {
        email: body.email,
        name: body.name,
        password: body.password,
      });
      return openSession(db, user, device, userAgent);
    },

    async changePassword(db: TenantDb, actor: Actor, body: PasswordBody): Promise<void> {
      const { rows } = await db.query<{ password_hash: string | null }>(
        `SELECT password_hash FROM ${db.s}.users WHERE id = $1`,
        [actor.user.id],
      );
      if (!(await verifyPassword(rows[0]?.password_hash ?? null, body.currentPassword))) {
        throw new AppError('FORBIDDEN', 'The current password is incorrect', { field: 'currentPassword' });
      }
      await db.query(
        `UPDATE ${db.s}.users SET password_hash = $2, must_change_password = false WHERE id = $1`,
        [actor.user.id, await hashPassword(body.newPassword)],
      );
      // Whoever else held the old password is signed out everywhere; this device stays.
      await revokeSessions(db, actor.user.id, 'password_changed', actor.sessionId);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
