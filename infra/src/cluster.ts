import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CaddyHandle, startCaddy } from './caddy.ts';
import { type InstanceHandle, startInstance } from './instance.ts';
import { type PgBouncerHandle, startPgBouncer } from './pgbouncer.ts';
import { type PostgresHandle, startPostgres } from './postgres-server.ts';
import { freePort } from './processes.ts';
import { startRedisCluster } from './redis-cluster.ts';
import { type RedisHandle, startRedis } from './redis-server.ts';
import { type S3Handle, startS3 } from './s3-server.ts';

export interface ClusterOptions {
  instances: number;
  /** Caddy's port; default: a free one. */
  port?: number;
  /** Extra environment for every instance (e.g. PRESENCE_TTL_MS for failure tests). */
  env?: Record<string, string>;
  /** Postgres with fsync on (benchmarks of durable writes). */
  durable?: boolean;
  /** Extra Postgres server settings (`name=value`), e.g. to load pg_stat_statements. */
  postgresSettings?: string[];
  dir?: string;
  /** Host mode: APP_TYPE=host with HOST_DOMAIN=localhost (tenants at `{slug}.localhost:PORT`). */
  hostMode?: boolean;
  /** Extra node flags for every instance, e.g. `--cpu-prof --cpu-prof-dir=…` to profile. */
  nodeArgs?: string[];
  /** A 3-master Redis Cluster (REDIS_CLUSTER_NODES) instead of one redis-server. */
  redisCluster?: boolean;
  /** A streaming replica of the Postgres (DATABASE_REPLICA_URL): phase 3's read replica. */
  replica?: boolean;
  /**
   * Database clusters for tenants (phase 4, host mode): 1 is Postgres alone (shard main); each
   * more starts another Postgres, named shard-2, shard-3 … in SHARDS.
   */
  shards?: number;
}

export interface ClusterState {
  url: string;
  dir: string;
  admin: { email: string; password: string };
  /** Host mode: the control plane's key (X-Host-Admin-Key, and the /host page). */
  hostAdminKey?: string;
  pids: Record<string, number>;
  ports: Record<string, number>;
  /** The instances' environment as KEY=value lines: `pnpm run doctor -- --env-file <this>`. */
  envFile: string;
}

export interface Cluster {
  url: string;
  dir: string;
  stateFile: string;
  /** The instances' environment as KEY=value lines (what `doctor --env-file` reads). */
  envFile: string;
  admin: { email: string; password: string };
  hostAdminKey: string | undefined;
  postgres: PostgresHandle;
  /** The streaming replica, when asked for. */
  replica: PostgresHandle | undefined;
  /** Further database clusters (SHARDS), by shard name. */
  shardServers: Record<string, PostgresHandle>;
  pgbouncer: PgBouncerHandle;
  redis: RedisHandle;
  s3: S3Handle;
  caddy: CaddyHandle;
  instances: InstanceHandle[];
  /** Environment the instances run with (ports of every service). */
  env: Record<string, string>;
  /** Starts instance i again on its old port (after a kill). */
  restartInstance(i: number): Promise<InstanceHandle>;
  stop(): Promise<void>;
}

/**
 * The whole topology on loopback, from installed binaries: Postgres → PgBouncer (transaction
 * mode) ← N instances → Redis, s3rver; Caddy in front. Everything stops with stop().
 */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'rc-cluster-')));
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755); // Postgres and PgBouncer run as the postgres user when we are root
  const started: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  };
  try {
    const database = 'rosterchirp';
    const postgres = await startPostgres({
      dir: join(dir, 'postgres'),
      database,
      durable: opts.durable ?? false,
      ...(opts.postgresSettings ? { settings: opts.postgresSettings } : {}),
    });
    started.push(postgres.stop);
    const replica = opts.replica
      ? await startPostgres({
          dir: join(dir, 'replica'),
          database,
          replicaOf: postgres.port,
          ...(opts.postgresSettings ? { settings: opts.postgresSettings } : {}),
        })
      : undefined;
    if (replica) started.push(replica.stop);
    if ((opts.shards ?? 1) > 1 && !opts.hostMode)
      throw new Error('shards hold tenants: use them with hostMode');
    const shardServers: Record<string, PostgresHandle> = {};
    for (let i = 2; i <= (opts.shards ?? 1); i++) {
      const server = await startPostgres({
        dir: join(dir, `shard-${i}`),
        database,
        durable: opts.durable ?? false,
        ...(opts.postgresSettings ? { settings: opts.postgresSettings } : {}),
      });
      started.push(server.stop);
      shardServers[`shard-${i}`] = server;
    }
    await mkdir(join(dir, 'pgbouncer'), { recursive: true });
    const pgbouncer = await startPgBouncer({
      dir: join(dir, 'pgbouncer'),
      postgresPort: postgres.port,
      database,
    });
    started.push(pgbouncer.stop);
    const redis: RedisHandle = opts.redisCluster ? await startRedisCluster() : await startRedis();
    started.push(redis.stop);
    const s3 = await startS3({ directory: join(dir, 's3') });
    started.push(s3.stop);
    const admin = { email: 'admin@rosterchirp.local', password: randomBytes(9).toString('base64url') };
    const hostAdminKey = opts.hostMode ? randomBytes(24).toString('base64url') : undefined;
    const env: Record<string, string> = {
      DATABASE_URL: pgbouncer.url,
      DATABASE_DIRECT_URL: postgres.url,
      ...(replica ? { DATABASE_REPLICA_URL: replica.url } : {}),
      ...(Object.keys(shardServers).length
        ? {
            SHARDS: JSON.stringify(
              Object.fromEntries(Object.entries(shardServers).map(([name, x]) => [name, { url: x.url }])),
            ),
          }
        : {}),
      ...(redis.cluster ? { REDIS_CLUSTER_NODES: redis.url } : { REDIS_URL: redis.url }),
      S3_ENDPOINT: s3.settings.endpoint,
      S3_BUCKET: s3.settings.bucket,
      S3_REGION: s3.settings.region,
      S3_ACCESS_KEY_ID: s3.settings.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.settings.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      ADMIN_EMAIL: admin.email,
      ADMIN_PASS: admin.password,
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'info',
      // Caddy on loopback is the only proxy: its X-Forwarded-For names the client.
      TRUST_PROXY: 'loopback',
      ...(hostAdminKey ? { APP_TYPE: 'host', HOST_DOMAIN: 'localhost', HOST_ADMIN_KEY: hostAdminKey } : {}),
      ...opts.env,
    };
    const ports = await Promise.all(Array.from({ length: opts.instances }, () => freePort()));
    const startOne = (i: number) =>
      startInstance({
        name: `api-${i + 1}`,
        env,
        port: ports[i]!,
        logFile: join(dir, `api-${i + 1}.log`),
        ...(opts.nodeArgs ? { nodeArgs: opts.nodeArgs } : {}),
      });
    // Started together, as a scaled deployment does: they race to migrate and seed.
    const instances = await Promise.all(ports.map((_, i) => startOne(i)));
    started.push(async () => {
      await Promise.all(instances.map((x) => x.stop()));
    });
    const caddy = await startCaddy({
      dir,
      upstreams: instances.map((x) => `127.0.0.1:${x.port}`),
      ...(opts.port ? { port: opts.port } : {}),
    });
    started.push(caddy.stop);
    const stateFile = join(dir, 'state.json');
    const envFile = join(dir, 'cluster.env');
    await writeFile(
      envFile,
      `${Object.entries(env)
        .filter(([key]) => key !== 'PORT')
        .map(([key, value]) => `${key}=${envFileValue(value)}`)
        .join('\n')}\n`,
      { mode: 0o600 },
    );
    const writeState = async () => {
      const state: ClusterState = {
        url: caddy.url.replace('127.0.0.1', 'localhost'),
        dir,
        envFile,
        admin,
        ...(hostAdminKey ? { hostAdminKey } : {}),
        pids: {
          caddy: caddy.pid,
          postgres: postgres.pid,
          ...(replica ? { replica: replica.pid } : {}),
          ...Object.fromEntries(Object.entries(shardServers).map(([name, x]) => [name, x.pid])),
          pgbouncer: pgbouncer.pid(),
          ...Object.fromEntries(instances.map((x) => [x.name, x.pid])),
          runner: process.pid,
        },
        ports: {
          caddy: caddy.port,
          postgres: postgres.port,
          ...(replica ? { replica: replica.port } : {}),
          ...Object.fromEntries(Object.entries(shardServers).map(([name, x]) => [name, x.port])),
          pgbouncer: pgbouncer.port,
          ...Object.fromEntries(
            redis.url
              .split(',')
              .map((u, i) => [i === 0 ? 'redis' : `redis-${i + 1}`, Number(new URL(u).port)]),
          ),
          s3: s3.port,
          ...Object.fromEntries(instances.map((x) => [x.name, x.port])),
        },
      };
      await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
    };
    await writeState();
    return {
      url: caddy.url,
      dir,
      stateFile,
      envFile,
      admin,
      hostAdminKey,
      postgres,
      replica,
      shardServers,
      pgbouncer,
      redis,
      s3,
      caddy,
      instances,
      env,
      async restartInstance(i: number) {
        const fresh = await startOne(i);
        instances[i] = fresh;
        await writeState();
        return fresh;
      },
      async stop() {
        await stopAll();
        if (!opts.dir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopAll();
    if (!opts.dir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * A value as dotenv (and node's loadEnvFile) reads it back: double quotes, or single quotes
 * (taken literally) for a value with double quotes in it, such as SHARDS' JSON.
 */
function envFileValue(value: string): string {
  if (value.includes('"') && !value.includes("'") && !value.includes('\n')) return `'${value}'`;
  return JSON.stringify(value);
}
