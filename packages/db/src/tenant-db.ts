import type pg from 'pg';
import type { ReplicaReads } from './replica-reads.ts';
import { quoteSchema } from './schema-name.ts';

export type Row = Record<string, unknown>;

export interface Queryable {
  query<R extends Row = Row>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * A tenant's view of the database. `s` is the quoted schema to put before every table name:
 * every statement names its schema, so nothing depends on search_path (docs/CLUSTER.md invariant 2).
 */
export interface TenantDb extends Queryable {
  readonly schema: string;
  readonly s: string;
  /**
   * A read that may be answered by a read replica (when one is configured and caught up):
   * history pages, search, lists. Inside a transaction, and on a TenantDb from
   * `primaryReads()`, it is an ordinary query on the primary.
   */
  read<R extends Row = Row>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** The same database whose reads all go to the primary (a caller who just wrote). */
  primaryReads(): TenantDb;
  /**
   * Runs fn in one transaction on one connection; rolls back on throw. fn gets a TenantDb bound
   * to that transaction, so several stores' calls (a change and its audit entry) commit
   * together; a `tx` inside it is a savepoint of the same transaction.
   */
  tx<T>(fn: (q: TenantDb) => Promise<T>): Promise<T>;
}

/** A TenantDb whose every statement runs inside the transaction open on `client`. */
function inTransaction(client: pg.PoolClient, schema: string, s: string): TenantDb {
  let savepoints = 0;
  const self: TenantDb = {
    schema,
    s,
    query: <R extends Row>(text: string, params?: unknown[]) => client.query<R>(text, params),
    read: <R extends Row>(text: string, params?: unknown[]) => client.query<R>(text, params),
    primaryReads: () => self,
    async tx<T>(fn: (q: TenantDb) => Promise<T>): Promise<T> {
      const name = `sp_${++savepoints}`;
      await client.query(`SAVEPOINT ${name}`);
      try {
        const result = await fn(self);
        await client.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (err) {
        await client.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
        throw err;
      }
    },
  };
  return self;
}

/** A tenant's database on `pool`; `replica` (phase 3) answers its `read`s when given. */
export function tenantDb(pool: pg.Pool, schema: string, replica?: ReplicaReads): TenantDb {
  const s = quoteSchema(schema);
  // The same tenant without the replica (made once, on first use).
  let onPrimary: TenantDb | undefined;
  const self: TenantDb = {
    schema,
    s,
    query: <R extends Row>(text: string, params?: unknown[]) => pool.query<R>(text, params),
    read: replica
      ? <R extends Row>(text: string, params?: unknown[]) => replica.query<R>(text, params)
      : <R extends Row>(text: string, params?: unknown[]) => pool.query<R>(text, params),
    primaryReads: () => {
      if (!replica) return self;
      onPrimary ??= tenantDb(pool, schema);
      return onPrimary;
    },
    async tx<T>(fn: (q: TenantDb) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(inTransaction(client, schema, s));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
  return self;
}

/**
 * `db` whose replica-eligible reads go to the primary when `toPrimary` says so — asked once, at
 * the first such read (a request that reads nothing from a replica never asks).
 */
export function readsChosenBy(db: TenantDb, toPrimary: () => Promise<boolean>): TenantDb {
  let choice: Promise<TenantDb> | undefined;
  const reader = () => {
    choice ??= toPrimary().then(
      (primary) => (primary ? db.primaryReads() : db),
      () => db.primaryReads(),
    );
    return choice;
  };
  return {
    schema: db.schema,
    s: db.s,
    query: (text, params) => db.query(text, params),
    read: async (text, params) => (await reader()).read(text, params),
    primaryReads: () => db.primaryReads(),
    tx: (fn) => db.tx(fn),
  };
}
