import type { TenantDb } from '@rosterchirp/db';
import type { TenantAuditEntry } from '@rosterchirp/protocol';

export interface NewAuditEntry {
  actorId: number | null;
  action: string;
  target: { type: string; id: string } | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** The tenant's audit log. Append inside the transaction of the change it records. */
export interface AuditStore {
  append(db: TenantDb, entry: NewAuditEntry): Promise<TenantAuditEntry>;
  /** Newest first, before the id `before`, optionally one action and/or one actor. */
  page(
    db: TenantDb,
    opts: {
      before?: number | undefined;
      action?: string | undefined;
      actorId?: number | undefined;
      limit: number;
    },
  ): Promise<TenantAuditEntry[]>;
}
