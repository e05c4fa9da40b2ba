import type { TenantDb } from '@rosterchirp/db';
import type { EventBus, PresenceConnection, PresenceStore } from '@rosterchirp/protocol';
import { isSchemaGone } from '@rosterchirp/store';
import type { DomainLogger } from './context.ts';
import { createPresenceBatcher } from './presence-batcher.ts';
import type { UserService } from './user-service.ts';

export interface PresenceServiceDeps {
  store: PresenceStore;
  bus: EventBus;
  users: UserService;
  log: DomainLogger;
  /** The tenant database for a schema (for `last_online` after an expiry sweep). */
  dbFor: (schema: string) => TenantDb;
  /** Changes are sent at most once per this window per tenant (PRESENCE_BATCH_MS); 0: at once. */
  batchMs: number;
}

/** Online/offline changes (batched `presence:changed`) and `last_online`, on top of the presence store. */
export function createPresenceService(deps: PresenceServiceDeps) {
  const batcher = createPresenceBatcher(deps.bus, deps.batchMs);
  async function wentOffline(db: TenantDb, userId: number): Promise<void> {
    try {
      await deps.users.touchLastOnline(db, userId);
    } catch (err) {
      // The tenant was just deleted (host mode): its connections close as its schema goes.
      if (!isSchemaGone(err)) throw err;
      return;
    }
    batcher.record(db.schema, userId, false);
  }

  return {
    async connected(db: TenantDb, userId: number, connectionId: string): Promise<void> {
      if (await deps.store.connect(db.schema, userId, connectionId)) {
        batcher.record(db.schema, userId, true);
      }
    },
    async disconnected(db: TenantDb, userId: number, connectionId: string): Promise<void> {
      if (await deps.store.disconnect(db.schema, userId, connectionId)) await wentOffline(db, userId);
    },
    /** Keeps every live connection of this instance alive, in one batch. */
    heartbeat: (connections: readonly PresenceConnection[]) => deps.store.heartbeat(connections),
    online: (db: TenantDb) => deps.store.online(db.schema),
    /** Sends the changes still waiting for their window (the instance is stopping). */
    flush: () => batcher.flushAll(),
    /**
     * Expires connections whose heartbeats stopped. Called every `intervalMs` by every
     * instance; one of them per round does the work (the store hands out a lease of 80% of the
     * interval, so the next round is free to claim again).
     */
    async sweep(intervalMs: number): Promise<void> {
      if (!(await deps.store.claimSweep(intervalMs * 0.8))) return;
      for (const { schema, userId } of await deps.store.expire()) {
        await wentOffline(deps.dbFor(schema), userId).catch((err: unknown) =>
          deps.log.error({ err, schema, userId }, 'presence sweep failed to record offline'),
        );
      }
    },
  };
}

export type PresenceService = ReturnType<typeof createPresenceService>;
