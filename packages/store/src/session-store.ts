import type { TenantDb } from '@rosterchirp/db';
import type { Device, User } from '@rosterchirp/protocol';

export interface NewSession {
  id: string;
  userId: number;
  device: Device;
  expiresAt: Date;
  userAgent: string | null;
}

export interface LiveSession {
  user: User;
  expiresAt: Date;
}

export interface SessionRow {
  id: string;
  device: Device;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

/** Sign-in sessions: one live session per user and device class. */
export interface SessionStore {
  /** Opens a session, ending the user's live one of the same device class; returns the ended ids. */
  open(db: TenantDb, session: NewSession): Promise<string[]>;
  /** The active user of a live (not revoked, not expired) session and when it expires, or null. */
  liveSession(db: TenantDb, sessionId: string, userId: number): Promise<LiveSession | null>;
  /** The user's live sessions, newest first. */
  listLive(db: TenantDb, userId: number): Promise<SessionRow[]>;
  /** Ends every live session of the user but `exceptId`; returns the ended ids. */
  revokeAll(db: TenantDb, userId: number, reason: string, exceptId?: string): Promise<string[]>;
  /** Ends one live session of this user; false when there is none. */
  revokeOne(db: TenantDb, sessionId: string, userId: number, reason: string): Promise<boolean>;
  /** A live connection opened on it ("last seen"). */
  touch(db: TenantDb, sessionId: string): Promise<void>;
}
