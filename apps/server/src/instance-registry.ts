import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Pool } from '@rosterchirp/db';
import type { FastifyBaseLogger } from 'fastify';

/** How often an instance says it is alive; doctor counts one silent for 3 periods as gone. */
export const REGISTRY_INTERVAL_MS = 10_000;
/** Rows of instances gone longer than this are forgotten. */
const FORGET_AFTER = '1 hour';

/**
 * The deployment's instances, for `pnpm run doctor`: each writes its id, version, start, live
 * connections and event-loop lag (p99 over the last period) to `rosterchirp_ops.instances`
 * every REGISTRY_INTERVAL_MS, through the same pool as everything else (PgBouncer-safe: single
 * statements, the schema made once under a transaction-scoped advisory lock), and removes its
 * row when it stops. A failed write is logged and tried again next period; it never stops the
 * instance from starting or serving. Postgres, not Redis, so a single instance without Redis is listed too.
 */
export async function startInstanceRegistry(deps: {
  pool: Pool;
  instanceId: string;
  version: string;
  connections: () => number;
  log: FastifyBaseLogger;
  intervalMs?: number;
}): Promise<{ stop: () => Promise<void> }> {
  const startedAt = new Date();
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  // Never in the way of starting: a database still coming back (PgBouncer's login retry after
  // a Postgres restart) only delays the first row to a later beat.
  let tableReady = false;
  const beat = async () => {
    if (!tableReady) {
      await ensureRegistryTable(deps.pool);
      tableReady = true;
    }
    const lagMs = Number.isFinite(lag.percentile(99)) ? lag.percentile(99) / 1e6 : 0;
    lag.reset();
    await deps.pool.query(
      `WITH forgotten AS (DELETE FROM rosterchirp_ops.instances WHERE seen_at < now() - interval '${FORGET_AFTER}')
       INSERT INTO rosterchirp_ops.instances (id, version, pid, started_at, seen_at, connections, event_loop_lag_ms)
       VALUES ($1, $2, $3, $4, now(), $5, $6)
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, pid = EXCLUDED.pid,
         started_at = EXCLUDED.started_at, seen_at = now(), connections = EXCLUDED.connections,
         event_loop_lag_ms = EXCLUDED.event_loop_lag_ms`,
      [deps.instanceId, deps.version, process.pid, startedAt, deps.connections(), lagMs],
    );
  };
  const safeBeat = () =>
    beat().catch((err: unknown) => deps.log.warn({ err }, 'instance registry not updated'));
  void safeBeat();
  const timer = setInterval(() => void safeBeat(), deps.intervalMs ?? REGISTRY_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      lag.disable();
      await deps.pool
        .query('DELETE FROM rosterchirp_ops.instances WHERE id = $1', [deps.instanceId])
        .catch(() => undefined);
    },
  };
}

/** Creates the registry once, whichever instances start together. */
async function ensureRegistryTable(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('rosterchirp:ops-schema'))`);
    await client.query('CREATE SCHEMA IF NOT EXISTS rosterchirp_ops');
    await client.query(
      `CREATE TABLE IF NOT EXISTS rosterchirp_ops.instances (
         id text PRIMARY KEY,
         version text NOT NULL,
         pid integer NOT NULL,
         started_at timestamptz NOT NULL,
         seen_at timestamptz NOT NULL,
         connections integer NOT NULL,
         event_loop_lag_ms real NOT NULL)`,
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
