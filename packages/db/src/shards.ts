import type pg from 'pg';
import type { ReplicaReads } from './replica-reads.ts';

/** DATABASE_URL's cluster: the catalog, the job queue, and tenants placed there. */
export const DEFAULT_SHARD = 'main';

export interface Shard {
  /** Pool for queries (may go through PgBouncer). */
  pool: pg.Pool;
  /** Direct connection string for migrations and session advisory locks. */
  directUrl: string;
  /** Its read replica, when one is configured (phase 3). */
  replica?: ReplicaReads;
}

/**
 * Tenant → database cluster (docs/CLUSTER.md phase 4): `main` (DATABASE_URL) and each of SHARDS.
 * Each tenant row names its shard and every pool lookup goes through here.
 */
export class ShardMap {
  private readonly shards: ReadonlyMap<string, Shard>;

  constructor(shards: Record<string, Shard>) {
    this.shards = new Map(Object.entries(shards));
    if (!this.shards.has(DEFAULT_SHARD)) throw new Error(`ShardMap needs a "${DEFAULT_SHARD}" shard`);
  }

  static single(pool: pg.Pool, directUrl: string, replica?: ReplicaReads): ShardMap {
    return new ShardMap({ [DEFAULT_SHARD]: { pool, directUrl, ...(replica ? { replica } : {}) } });
  }

  get(name: string): Shard {
    const shard = this.shards.get(name);
    if (!shard) throw new Error(`Unknown database shard "${name}"`);
    return shard;
  }

  names(): string[] {
    return [...this.shards.keys()];
  }
}
