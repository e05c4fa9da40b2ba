import type { Config } from '@rosterchirp/config';
import {
  createPool,
  DEFAULT_SHARD,
  type PoolLogger,
  ReplicaReads,
  type Shard,
  ShardMap,
} from '@rosterchirp/db';
import type pg from 'pg';

export interface OpenShards {
  shards: ShardMap;
  /** Shard main's read replica router (DATABASE_REPLICA_URL), for the self-host resolver and /metrics. */
  mainReplica: ReplicaReads | undefined;
  close(): Promise<void>;
}

/**
 * Every database cluster the instance uses: `main` (DATABASE_URL, the pool already open) and each
 * of SHARDS (phase 4), each with its read replica when one is configured (phase 3).
 */
export async function openShards(
  config: Pick<Config, 'shards' | 'databaseReplicaUrl' | 'databasePoolSize' | 'replicaMaxLagMs'>,
  main: { pool: pg.Pool; directUrl: string },
  log: PoolLogger & { warn(obj: object, msg: string): void },
  opts: {
    /** Open the configured read replicas (false for CLIs that only write and migrate). */
    replicas?: boolean;
    /** How often each replica's lag is measured; default 1 s. */
    replicaCheckMs?: number;
  } = {},
): Promise<OpenShards> {
  const pools: pg.Pool[] = [];
  const replicas: ReplicaReads[] = [];
  const withReplica = async (pool: pg.Pool, replicaUrl: string | undefined) => {
    if (!replicaUrl || opts.replicas === false) return undefined;
    const replicaPool = createPool(replicaUrl, config.databasePoolSize, log);
    pools.push(replicaPool);
    const replica = new ReplicaReads(pool, replicaPool, {
      maxLagMs: config.replicaMaxLagMs,
      log,
      ...(opts.replicaCheckMs ? { checkEveryMs: opts.replicaCheckMs } : {}),
    });
    replicas.push(replica);
    await replica.start();
    return replica;
  };
  const mainReplica = await withReplica(main.pool, config.databaseReplicaUrl);
  const all: Record<string, Shard> = {
    [DEFAULT_SHARD]: {
      pool: main.pool,
      directUrl: main.directUrl,
      ...(mainReplica ? { replica: mainReplica } : {}),
    },
  };
  for (const [name, settings] of Object.entries(config.shards)) {
    const pool = createPool(settings.url, config.databasePoolSize, log);
    pools.push(pool);
    const replica = await withReplica(pool, settings.replicaUrl);
    all[name] = { pool, directUrl: settings.directUrl, ...(replica ? { replica } : {}) };
  }
  return {
    shards: new ShardMap(all),
    mainReplica,
    async close() {
      for (const r of replicas) r.stop();
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}
