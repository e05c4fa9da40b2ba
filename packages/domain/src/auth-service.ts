import { randomUUID } from 'node:crypto';
import type { TenantDb } from '@rosterchirp/db';
import type { Device, LoginBody, PasswordBody, RegisterBody, User } from '@rosterchirp/protocol';
import { type EventBus, rooms, type SessionEndReason } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { AppError } from './app-error.ts';
import { type AuditService, auditWho } from './audit-service.ts';
import type { Actor } from './context.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { SettingsService } from './settings-service.ts';
import type { TokenSigner } from './tokens.ts';
import type { TotpService } from './totp-service.ts';
import type { UserService } from './user-service.ts';

export interface AuthServiceDeps {
  signer: TokenSigner;
  bus: EventBus;
  stores: Pick<Stores, 'users' | 'sessions'>;
  users: UserService;
  settings: SettingsService;
  audit: AuditService;
  totp: TotpService;
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

const BOT_TOKEN_TTL_SECONDS = 10 * 365 * 86_400;

const unauthenticated = () => new AppError('UNAUTHENTICATED', 'Sign in to continue');

export function createAuthService(deps: AuthServiceDeps) {
  const ttlSeconds = deps.sessionTtlDays * 86_400;
  const { sessions, users } = deps.stores;

  /** Tells the live connections of sessions that just ended why, then closes them, on every instance. */
  const disconnect = (db: TenantDb, sessionIds: readonly string[], reason?: SessionEndReason) => {
    for (const id of sessionIds) {
      const room = rooms.session(db.schema, id);
      if (reason) deps.bus.emit(room, 'session:ended', { reason });
      deps.bus.disconnect(room);
    }
  };

  /** Opens a session, displacing the user's previous session of the same device class. */
  async function openSession(
    db: TenantDb,
    user: User,
    device: Device,
    userAgent?: string,
    ttl = ttlSeconds,
  ): Promise<SignedIn> {
    const sessionId = randomUUID();
    const expiresAt = new Date(Date.now() + ttl * 1000);
    const displaced = await sessions.open(db, {
      id: sessionId,
      userId: user.id,
      device,
      expiresAt,
      userAgent: userAgent?.slice(0, 300) ?? null,
    });
    for (const id of displaced) {
      const room = rooms.session(db.schema, id);
      deps.bus.emit(room, 'session:displaced', {});
      deps.bus.disconnect(room);
    }
    const token = deps.signer.sign({ sid: sessionId, uid: user.id, sch: db.schema }, ttl);
    return { token, user, sessionId, expiresAt };
  }

  /**
   * Ends sessions and closes their live connections on every instance (socket.io and the
   * stream both sit in the session's room): all of a user's, or all but `exceptSessionId`.
   */
  async function revokeSessions(
    db: TenantDb,
    userId: number,
    reason: SessionEndReason,
    exceptSessionId?: string,
  ): Promise<number> {
    const ended = await sessions.revokeAll(db, userId, reason, exceptSessionId);
    disconnect(db, ended, reason);
    return ended.length;
  }

  return {
    revokeSessions,

    /**
     * A bot's token: a session that lasts until it is revoked (ten years), so revoking it ends its
     * live connections like any session. A new token replaces the bot's previous one.
     */
    issueBotToken: (db: TenantDb, bot: User) => openSession(db, bot, 'desktop', 'bot', BOT_TOKEN_TTL_SECONDS),

    /** Everyone's "where am I signed in": live sessions, newest first. */
    async sessions(db: TenantDb, actor: Actor): Promise<SessionInfo[]> {
      return (await sessions.listLive(db, actor.user.id)).map((s) => ({
        id: s.id,
        device: s.device,
        userAgent: s.userAgent,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        current: s.id === actor.sessionId,
      }));
    },

    /** Signs one of the caller's own devices out, live. */
    async endSession(db: TenantDb, actor: Actor, sessionId: string): Promise<void> {
      if (!(await sessions.revokeOne(db, sessionId, actor.user.id, 'signed_out_remotely'))) {
        throw new AppError('NOT_FOUND', 'No such session');
      }
      disconnect(db, [sessionId], 'signed_out_remotely');
    },

    /** A live connection opened on this session (shown as "last seen"). */
    touchSession: (db: TenantDb, sessionId: string) => sessions.touch(db, sessionId),

    /**
     * Password, then (when on) the second factor: a TOTP code or a recovery code. Success and
     * every refusal are written to the audit log; the session and its entry commit together.
     */
    async login(
      db: TenantDb,
      body: LoginBody,
      device: Device,
      userAgent?: string,
      ip: string | null = null,
    ): Promise<SignedIn> {
      const found = await users.byEmailWithHash(db, body.email);
      const ok = await verifyPassword(found?.passwordHash ?? null, body.password);
      const refuse = async (reason: string, error: AppError) => {
        await deps.audit.record(
          db,
          { actorId: null, ip },
          {
            action: 'auth.login_failed',
            target: found && found.user.status !== 'deleted' ? { type: 'user', id: found.user.id } : null,
            details: { email: body.email.toLowerCase(), reason },
          },
        );
        return error;
      };
      if (!found || !ok || found.user.status === 'deleted') {
        throw await refuse('password', new AppError('UNAUTHENTICATED', 'Email or password is incorrect'));
      }
      if (found.user.status === 'suspended') {
        throw await refuse(
          'suspended',
          new AppError('FORBIDDEN', 'This account is suspended; ask an admin of your organisation'),
        );
      }
      if (found.user.totpEnabled) {
        const second = await deps.totp.check(db, found.user.id, body);
        if (second === 'missing') {
          throw new AppError('TOTP_REQUIRED', 'Enter the code from your authenticator app');
        }
        if (second === 'wrong') {
          throw await refuse('second_factor', new AppError('UNAUTHENTICATED', 'That code is not right'));
        }
      }
      return deps.audit.within(
        db,
        { actorId: found.user.id, ip },
        (tx) => openSession(tx, found.user, device, userAgent),
        () => ({ action: 'auth.login', target: { type: 'user', id: found.user.id }, details: { device } }),
      );
    },

    /** Resolves a token to its user and live session, within the tenant the request came to. */
    async authenticate(db: TenantDb, token: string | undefined): Promise<Actor> {
      if (!token) throw unauthenticated();
      const claims = deps.signer.verify(token);
      if (!claims || claims.sch !== db.schema) throw unauthenticated();
      const user = (await sessions.liveSession(db, claims.sid, claims.uid))?.user;
      if (!user) throw new AppError('UNAUTHENTICATED', 'Your session has ended; sign in again');
      return { user, sessionId: claims.sid };
    },

    async logout(db: TenantDb, actor: Actor): Promise<void> {
      await sessions.revokeOne(db, actor.sessionId, actor.user.id, 'logout');
      disconnect(db, [actor.sessionId]);
    },

    async register(db: TenantDb, body: RegisterBody, device: Device, userAgent?: string): Promise<SignedIn> {
      if (!(await deps.settings.get(db, 'registration_open'))) {
        throw new AppError('FORBIDDEN', 'Registration is closed; ask an admin for an account');
      }
      const { user } = await deps.users.create(
        db,
        { email: body.email, name: body.name, password: body.password },
        { who: { actorId: null, ip: null }, action: 'user.created', via: 'registration' },
      );
      return openSession(db, user, device, userAgent);
    },

    async changePassword(db: TenantDb, actor: Actor, body: PasswordBody): Promise<void> {
      if (!(await verifyPassword(await users.passwordHash(db, actor.user.id), body.currentPassword))) {
        throw new AppError('FORBIDDEN', 'The current password is incorrect', { field: 'currentPassword' });
      }
      const hash = await hashPassword(body.newPassword);
      await deps.audit.within(
        db,
        auditWho(actor),
        (tx) => users.setPassword(tx, actor.user.id, hash, false),
        () => ({ action: 'auth.password_changed', target: { type: 'user', id: actor.user.id } }),
      );
      // Whoever else held the old password is signed out everywhere; this device stays.
      await revokeSessions(db, actor.user.id, 'password_changed', actor.sessionId);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
