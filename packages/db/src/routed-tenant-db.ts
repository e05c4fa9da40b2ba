import type pg from 'pg';
import { quoteSchema } from './schema-name.ts';
import type { Row, TenantDb } from './tenant-db.ts';

/** Where a tenant lives now, and its database there; forgets the answer when the tenant moves. */
export interface ShardRouter {
  /** The shard holding `schema` now (remembered until `forget`). */
  shardOf(schema: string): Promise<string>;
  /** The tenant's database on `shard` (one object per shard and schema). */
  dbOn(shard: string, schema: string): TenantDb;
  forget(schema: string): void;
}

/** Undefined table, schema or function: what a statement meets in a schema that moved away. */
const MOVED_AWAY = new Set(['42P01', '3F000', '42883']);

function movedAway(err: unknown): boolean {
  return MOVED_AWAY.has((err as { code?: string }).code ?? '');
}

/**
 * A tenant's database that follows the tenant between shards (docs/CLUSTER.md phase 4): every
 * call asks the router where the schema lives now. A call that meets its schema gone (the tenant
 * moved while the call waited behind the move's locks) asks again and, when the tenant is now
 * elsewhere, runs once more there; a transaction failed as a whole, so it is run again whole.
 */
export function routedTenantDb(
  schema: string,
  router: ShardRouter,
  opts: { primaryReads?: boolean } = {},
): TenantDb {
  const s = quoteSchema(schema);
  const on = (shard: string) => {
    const db = router.dbOn(shard, schema);
    return opts.primaryReads ? db.primaryReads() : db;
  };
  async function following<T>(run: (db: TenantDb) => Promise<T>): Promise<T> {
    const shard = await router.shardOf(schema);
    try {
      return await run(on(shard));
    } catch (err) {
      if (!movedAway(err)) throw err;
      router.forget(schema);
      const now = await router.shardOf(schema);
      if (now === shard) throw err;
      return run(on(now));
    }
  }
  return {
    schema,
    s,
    query: <R extends Row>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>> =>
      following((db) => db.query<R>(text, params)),
    read: <R extends Row>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>> =>
      following((db) => db.read<R>(text, params)),
    primaryReads: () => routedTenantDb(schema, router, { primaryReads: true }),
    tx: <T>(fn: (q: TenantDb) => Promise<T>) => following((db) => db.tx(fn)),
  };
}
