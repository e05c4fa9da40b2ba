import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPgBouncer } from './pgbouncer.ts';
import { startPostgres } from './postgres-server.ts';

export interface TestDatabase {
  /** Through PgBouncer in transaction mode: what the application uses. */
  url: string;
  /** Straight to Postgres: migrations and their advisory lock. */
  directUrl: string;
  stop(): Promise<void>;
  restartPgBouncer(): Promise<void>;
}

/**
 * Debian's Postgres (fsync off) behind PgBouncer in transaction mode, on free ports: every
 * integration test talks to the database the way a cluster does (docs/CLUSTER.md invariant 2).
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'rc-testdb-'));
  const postgres = await startPostgres({ dir, database: 'rosterchirp' });
  const bouncer = await startPgBouncer({
    dir,
    postgresPort: postgres.port,
    database: 'rosterchirp',
    poolSize: 20,
  }).catch(async (err: unknown) => {
    await postgres.stop();
    throw err;
  });
  return {
    url: bouncer.url,
    directUrl: postgres.url,
    restartPgBouncer: () => bouncer.restart(),
    async stop() {
      await bouncer.stop();
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
