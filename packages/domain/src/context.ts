import type { TenantDb } from '@rosterchirp/db';
import type { User } from '@rosterchirp/protocol';

/** The signed-in user a request or connection acts as, within one tenant. */
export interface Actor {
  user: User;
  sessionId: string;
  /** Where the request came from (for the audit log), when known. */
  ip?: string | null;
}

export interface DomainLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type { TenantDb };
