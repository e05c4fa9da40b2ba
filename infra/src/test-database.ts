import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPgBouncer } from './pgbouncer.ts';
import { startPostgres } from './postgres-server.ts';

export interface TestDatabase {
  /** Through PgBouncer in transaction mode: what the application uses. */
  url: string;
  /** Straight to Postgres: migrations and their advisory lock. */
  directUrl: string;
  stop(): Promise<void>;
}

/** Set by the test-world runner: one Postgres and one PgBouncer for the whole `pnpm test`. */
export const TEST_WORLD_ENV = 'RC_TEST_WORLD';

export interface TestWorldAddress {
  postgresPort: number;
  pgbouncerPort: number;
}

let created = 0;

/** A fresh database on the shared server: each test file gets its own, dropped at the end. */
async function databaseInWorld(world: TestWorldAddress): Promise<TestDatabase> {
  const name = `rc_test_${process.pid}_${++created}`;
  const admin = `postgres://postgres@127.0.0.1:${world.postgresPort}/postgres`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  return {
    url: `postgres://postgres@127.0.0.1:${world.pgbouncerPort}/${name}`,
    directUrl: `postgres://postgres@127.0.0.1:${world.postgresPort}/${name}`,
    // FORCE ends PgBouncer's server connections to it too.
    stop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * Debian's Postgres (fsync off) behind PgBouncer in transaction mode: every integration test
 * talks to the database the way a cluster does (docs/CLUSTER.md invariant 2). Under `pnpm test`
 * the servers are shared by the whole run (test-world-cli.ts) and each caller gets a database
 * of its own; a test file run alone starts its own servers.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const shared = process.env[TEST_WORLD_ENV];
  if (shared) return databaseInWorld(JSON.parse(shared) as TestWorldAddress);
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
    async stop() {
      await bouncer.stop();
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
