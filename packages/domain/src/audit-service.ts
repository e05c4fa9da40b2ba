import type { TenantDb } from '@rosterchirp/db';
import type { AuditAction, TenantAuditEntry } from '@rosterchirp/protocol';
import { type EventBus, rooms } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import type { Actor } from './context.ts';

export interface AuditLine {
  action: AuditAction;
  target?: { type: 'user' | 'group' | 'settings' | 'integration'; id: string | number } | null;
  details?: Record<string, unknown>;
}

/** Who did it: the signed-in actor, or nobody (a failed sign-in) from an address. */
export interface AuditWho {
  actorId: number | null;
  ip: string | null;
}

export const auditWho = (actor: Actor): AuditWho => ({ actorId: actor.user.id, ip: actor.ip ?? null });

export interface AuditDeps {
  stores: Pick<Stores, 'audit' | 'transactions'>;
  bus: EventBus;
}

/**
 * The tenant audit log. A change and its entries commit in one transaction (`within`), so the
 * log never claims what did not happen nor misses what did; signed-in admins hear each entry
 * live as `audit:new` once it is committed.
 */
export function createAuditService(deps: AuditDeps) {
  const { audit } = deps.stores;

  const publish = (db: TenantDb, entries: TenantAuditEntry[]) => {
    for (const entry of entries) deps.bus.emit(rooms.admins(db.schema), 'audit:new', { entry });
  };

  const append = (db: TenantDb, who: AuditWho, line: AuditLine) =>
    audit.append(db, {
      actorId: who.actorId,
      action: line.action,
      target: line.target ? { type: line.target.type, id: String(line.target.id) } : null,
      ip: who.ip,
      details: line.details ?? {},
    });

  return {
    /** Runs `change` and appends the lines it describes in the same transaction. */
    async within<T>(
      db: TenantDb,
      who: AuditWho,
      change: (tx: TenantDb) => Promise<T>,
      lines: (result: T) => AuditLine | AuditLine[] | null,
    ): Promise<T> {
      const [result, entries] = await deps.stores.transactions.run(db, async (tx) => {
        const result = await change(tx);
        const described = lines(result);
        const list = described === null ? [] : Array.isArray(described) ? described : [described];
        const entries: TenantAuditEntry[] = [];
        for (const line of list) entries.push(await append(tx, who, line));
        return [result, entries] as const;
      });
      publish(db, entries);
      return result;
    },

    /** An entry on its own (nothing else changed, e.g. a refused sign-in). */
    async record(db: TenantDb, who: AuditWho, line: AuditLine): Promise<void> {
      publish(db, [await append(db, who, line)]);
    },

    async list(
      db: TenantDb,
      query: {
        before?: number | undefined;
        action?: string | undefined;
        actorId?: number | undefined;
        limit?: number | undefined;
      },
    ): Promise<{ entries: TenantAuditEntry[]; hasMore: boolean }> {
      const limit = query.limit ?? 50;
      const rows = await audit.page(db, { ...query, limit: limit + 1 });
      return { entries: rows.slice(0, limit), hasMore: rows.length > limit };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
