import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '@rosterchirp/config';
import { latestTenantVersion, replicaState, runningEmbeddedUrl, withDirectClient } from '@rosterchirp/db';
import { Redis } from 'ioredis';
import pg from 'pg';
import { REGISTRY_INTERVAL_MS } from '../instance-registry.ts';
import { storageFromConfig } from '../storage-from-config.ts';

export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found, one line. */
  detail: string;
  /** What is wrong and what to look at, when not ok. */
  problem?: string;
  ms: number;
}

type Check = () => Promise<Omit<CheckResult, 'name' | 'ms'>>;

/** Every check gets this long; a slower answer is itself a problem. */
export const CHECK_TIMEOUT_MS = 800;

async function timed(name: string, check: Check): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([check(), timeout]);
    return { name, ...result, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      name,
      ok: false,
      detail: 'unreachable',
      problem: (err as Error).message || String(err),
      ms: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A frequent query this slow on average is a problem worth a line. */
const SLOW_QUERY_MS = 100;
/** An instance whose event loop lags this much (p99) is too busy to answer in time. */
const LAG_PROBLEM_MS = 500;

const duration = (seconds: number) =>
  seconds < 60
    ? `${seconds} s`
    : seconds < 3600
      ? `${Math.floor(seconds / 60)} min`
      : `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;

const safeUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/** The database the server would use: DATABASE_DIRECT_URL, DATABASE_URL, or the running embedded one. */
export async function directDatabaseUrl(config: Config): Promise<string | null> {
  return config.databaseDirectUrl ?? config.databaseUrl ?? runningEmbeddedUrl(join(config.dataDir, 'pg'));
}

export function deploymentChecks(
  config: Config,
  opts: { instanceUrl?: string | undefined; metricsToken?: string | undefined },
) {
  const checks: Array<Promise<CheckResult>> = [];
  const add = (name: string, check: Check) => checks.push(timed(name, check));

  add('postgres', async () => {
    const url = await directDatabaseUrl(config);
    if (!url) {
      return {
        ok: false,
        detail: 'no database',
        problem: `DATABASE_URL is unset and no embedded Postgres runs under ${join(config.dataDir, 'pg')} (is the server started?)`,
      };
    }
    return withDirectClient(url, async (c) => {
      const { rows } = await c.query<{ version: string; max: string; used: string }>(
        `SELECT split_part(version(), ' ', 2) AS version, current_setting('max_connections') AS max,
                (SELECT count(*) FROM pg_stat_activity)::text AS used`,
      );
      const r = rows[0]!;
      const share = Number(r.used) / Number(r.max);
      return {
        ok: share < 0.9,
        detail: `PostgreSQL ${r.version} at ${safeUrl(url)}, ${r.used}/${r.max} connections`,
        ...(share < 0.9 ? {} : { problem: 'connections above 90% of max_connections' }),
      };
    });
  });

  if (config.databaseReplicaUrl) {
    add('replica', async () =>
      withDirectClient(config.databaseReplicaUrl!, async (c) => {
        const { standby, lagMs: lag } = await replicaState(c);
        const where = safeUrl(config.databaseReplicaUrl!);
        if (!standby) {
          return {
            ok: false,
            detail: `${where} is not a standby`,
            problem: 'DATABASE_REPLICA_URL names a primary: reads would not be replicas of DATABASE_URL',
          };
        }
        const lagMs = lag === null ? null : Math.round(lag);
        const behind = lagMs === null || lagMs > config.replicaMaxLagMs;
        return {
          ok: !behind,
          detail: `streaming replica at ${where}, ${lagMs === null ? 'an unknown time' : `${lagMs} ms`} behind (reads go there while ≤ ${config.replicaMaxLagMs} ms)`,
          ...(behind
            ? { problem: 'the replica is further behind than REPLICA_MAX_LAG_MS: reads go to the primary' }
            : {}),
        };
      }),
    );
  }

  add('bridges', async () => {
    const url = await directDatabaseUrl(config);
    if (!url) return { ok: false, detail: 'no database', problem: 'see postgres' };
    // Tenants live on every shard (SHARDS; main is this database): each is read where it lives.
    const rows: BridgeRow[] = [];
    const unreachable: string[] = [];
    for (const [name, shardUrl] of [
      ['main', url] as const,
      ...Object.entries(config.shards).map(([n, shard]) => [n, shard.directUrl] as const),
    ]) {
      await withDirectClient(shardUrl, (c) => bridgeRows(c)).then(
        (found) => rows.push(...found),
        () => unreachable.push(name),
      );
    }
    return summariseBridges(rows, unreachable);
  });

  add('slow queries', async () => {
    const url = await directDatabaseUrl(config);
    if (!url) return { ok: false, detail: 'no database', problem: 'see postgres' };
    return withDirectClient(url, async (c) => {
      const on = await c.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`);
      if (on.rowCount === 0) {
        return {
          ok: true,
          detail:
            'pg_stat_statements is off (shared_preload_libraries = pg_stat_statements, then CREATE EXTENSION pg_stat_statements, to see the slowest queries here)',
        };
      }
      const { rows } = await c.query<{ query: string; calls: string; mean: number }>(
        `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls::text, mean_exec_time AS mean
           FROM pg_stat_statements WHERE calls >= 10 ORDER BY mean_exec_time DESC LIMIT 3`,
      );
      const slow = rows.filter((r) => r.mean >= SLOW_QUERY_MS);
      return {
        ok: slow.length === 0,
        detail: rows.length
          ? rows.map((r) => `${r.mean.toFixed(1)} ms × ${r.calls}: ${r.query.slice(0, 70)}`).join(' | ')
          : 'no query has run 10 times yet',
        ...(slow.length
          ? {
              problem: `${slow.length} frequent quer${slow.length === 1 ? 'y takes' : 'ies take'} ${SLOW_QUERY_MS} ms or more on average`,
            }
          : {}),
      };
    });
  });

  add('instances', async () => {
    const url = await directDatabaseUrl(config);
    if (!url) return { ok: false, detail: 'no database', problem: 'see postgres' };
    return withDirectClient(url, async (c) => {
      const exists = await c.query(`SELECT to_regclass('rosterchirp_ops.instances') AS t`);
      if (!exists.rows[0]?.t) {
        return {
          ok: false,
          detail: 'none registered',
          problem: 'no instance has ever started on this database',
        };
      }
      const { rows } = await c.query<{
        id: string;
        version: string;
        up_s: number;
        silent_s: number;
        connections: number;
        lag: number;
      }>(
        `SELECT id, version, extract(epoch FROM now() - started_at)::int AS up_s,
                extract(epoch FROM now() - seen_at)::int AS silent_s, connections, event_loop_lag_ms AS lag
           FROM rosterchirp_ops.instances ORDER BY id`,
      );
      const live = rows.filter((r) => r.silent_s * 1000 <= 3 * REGISTRY_INTERVAL_MS);
      const gone = rows.filter((r) => !live.includes(r));
      const lagging = live.filter((r) => r.lag >= LAG_PROBLEM_MS);
      const describe = (r: (typeof rows)[number]) =>
        `${r.id} v${r.version} up ${duration(r.up_s)}, ${r.connections} connections, lag p99 ${r.lag.toFixed(0)} ms`;
      const problems = [
        ...(live.length === 0 ? ['no instance has reported in the last 30 s (is the server running?)'] : []),
        ...lagging.map((r) => `event-loop lag p99 ${r.lag.toFixed(0)} ms on ${r.id}`),
      ];
      return {
        ok: problems.length === 0,
        detail: [
          `${live.length} live${live.length ? `: ${live.map(describe).join('; ')}` : ''}`,
          ...(gone.length
            ? [`gone: ${gone.map((r) => `${r.id} (silent ${duration(r.silent_s)})`).join(', ')}`]
            : []),
        ].join('; '),
        ...(problems.length ? { problem: problems.join('; ') } : {}),
      };
    });
  });

  add('migrations', async () => {
    const url = await directDatabaseUrl(config);
    if (!url) return { ok: false, detail: 'no database', problem: 'see postgres' };
    const latest = await latestTenantVersion();
    // Each tenant's schema is read on its own shard (SHARDS; main is this database).
    const bySchema = await withDirectClient(url, async (c) =>
      config.host
        ? (
            await c.query<{ schema: string; shard: string }>(
              `SELECT schema_name AS schema, shard FROM public.tenants WHERE status IN ('active', 'suspended')`,
            )
          ).rows
        : [{ schema: 'public', shard: 'main' }],
    );
    const behind: string[] = [];
    const shardNames = [...new Set(bySchema.map((r) => r.shard))];
    for (const shard of shardNames) {
      const shardUrl = shard === 'main' ? url : config.shards[shard]?.directUrl;
      if (!shardUrl) {
        behind.push(
          ...bySchema
            .filter((r) => r.shard === shard)
            .map((r) => `${r.schema} (shard ${shard} not in SHARDS)`),
        );
        continue;
      }
      await withDirectClient(shardUrl, async (c) => {
        for (const { schema } of bySchema.filter((r) => r.shard === shard)) {
          const { rows } = await c.query<{ v: number | null }>(
            `SELECT max(version)::int AS v FROM ${pg.escapeIdentifier(schema)}.schema_migrations`,
          );
          if ((rows[0]?.v ?? 0) < latest) behind.push(schema);
        }
      });
    }
    return {
      ok: behind.length === 0,
      detail: `${bySchema.length} schema${bySchema.length === 1 ? '' : 's'} at ${latest}${shardNames.length > 1 ? ` on ${shardNames.length} shards` : ''}`,
      ...(behind.length
        ? { problem: `behind the latest migration (${latest}): ${behind.slice(0, 10).join(', ')}` }
        : {}),
    };
  });

  if (Object.keys(config.shards).length > 0) {
    add('shards', async () => {
      const url = await directDatabaseUrl(config);
      if (!url) return { ok: false, detail: 'no database', problem: 'see postgres' };
      const counts = await withDirectClient(url, async (c) =>
        Object.fromEntries(
          (
            await c.query<{ shard: string; n: number }>(
              `SELECT shard, count(*)::int AS n FROM public.tenants WHERE status <> 'deleting' GROUP BY shard`,
            )
          ).rows.map((r) => [r.shard, r.n]),
        ),
      );
      const unreachable: string[] = [];
      const parts = [`main ${counts.main ?? 0} tenants`];
      for (const [name, shard] of Object.entries(config.shards)) {
        const ok = await withDirectClient(shard.directUrl, (c) => c.query('SELECT 1')).then(
          () => true,
          () => false,
        );
        if (!ok) unreachable.push(name);
        parts.push(`${name} ${counts[name] ?? 0} tenants${ok ? '' : ' (unreachable)'}`);
      }
      return {
        ok: unreachable.length === 0,
        detail: parts.join(', '),
        ...(unreachable.length ? { problem: `cannot reach shard ${unreachable.join(', ')}` } : {}),
      };
    });
  }

  if (config.databaseUrl && config.databaseDirectUrl && config.databaseUrl !== config.databaseDirectUrl) {
    add('pgbouncer', async () => {
      await withDirectClient(config.databaseUrl!, (c) => c.query('SELECT 1'));
      // SHOW POOLS needs the admin console; without the right, reachability is what we know.
      const admin = new URL(config.databaseUrl!);
      admin.pathname = '/pgbouncer';
      const database = new URL(config.databaseUrl!).pathname.slice(1);
      // A client waiting a moment is normal under load; one waiting a second or more is not.
      const pools = await withDirectClient(admin.toString(), async (c) => {
        const { rows } = await c.query<{ database: string; cl_waiting: string; maxwait: string }>(
          'SHOW POOLS',
        );
        const ours = rows.filter((r) => r.database === database);
        return {
          waiting: ours.reduce((n, r) => n + Number(r.cl_waiting), 0),
          maxWaitSeconds: Math.max(0, ...ours.map((r) => Number(r.maxwait))),
        };
      }).catch(() => null);
      const stuck = pools !== null && pools.maxWaitSeconds >= 1;
      return {
        ok: !stuck,
        detail:
          pools === null
            ? 'reachable (no admin console access for SHOW POOLS)'
            : `${pools.waiting} clients waiting for ${database} (longest ${pools.maxWaitSeconds} s)`,
        ...(stuck
          ? { problem: `clients wait ${pools!.maxWaitSeconds} s for a server connection (pool too small?)` }
          : {}),
      };
    });
  }

  if (config.redisUrl) {
    add('redis', async () => {
      // A cluster is asked through its first seed node (CLUSTER INFO covers every master).
      const redis = new Redis(config.redisUrl!.split(',')[0]!.trim(), {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        connectTimeout: CHECK_TIMEOUT_MS,
        retryStrategy: () => null,
      });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        const info = await redis.info();
        const field = (text: string, name: string) =>
          new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '?';
        const server = `Redis ${field(info, 'redis_version')}, ${field(info, 'used_memory_human')} used, ${field(info, 'connected_clients')} clients`;
        if (!config.redisCluster) return { ok: true, detail: server };
        const cluster = (await redis.call('CLUSTER', 'INFO')) as string;
        const state = field(cluster, 'cluster_state');
        const detail = `Redis Cluster ${state}: ${field(cluster, 'cluster_size')} masters serving slots, ${field(cluster, 'cluster_slots_assigned')} of 16384 slots assigned, ${field(cluster, 'cluster_known_nodes')} nodes; seed node: ${server}`;
        return state === 'ok'
          ? { ok: true, detail }
          : {
              ok: false,
              detail,
              problem: `the cluster's state is "${state}": some slots have no reachable master`,
            };
      } finally {
        redis.disconnect();
      }
    });
  }

  add('storage', async () => {
    const storage = storageFromConfig(config);
    const key = `public/image/${randomUUID()}.png`;
    const probe = Buffer.from('doctor');
    await storage.put(key, probe, 'image/png');
    try {
      const back = await storage.get(key);
      if (!back) throw new Error('an object written could not be read back');
      back.body.destroy();
    } finally {
      await storage.delete(key);
    }
    return {
      ok: true,
      detail: `${config.s3 ? `S3 bucket ${config.s3.bucket}` : 'local disk'}: write, read, delete`,
    };
  });

  add('jobs', async () => {
    const url = await directDatabaseUrl(config);
    if (!url) return { ok: false, detail: 'no database', problem: 'see postgres' };
    return withDirectClient(url, async (c) => {
      const exists = await c.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'pgboss'`);
      if (exists.rowCount === 0) return { ok: true, detail: 'no job queue yet (created by the first start)' };
      const { rows } = await c.query<{ queued: number; failed: number }>(
        `SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS queued,
                count(*) FILTER (WHERE state = 'failed')::int AS failed
           FROM pgboss.job`,
      );
      const { queued, failed } = rows[0]!;
      return {
        ok: true,
        detail: `${queued} queued, ${failed} failed${failed ? ' (see rosterchirp_jobs in /metrics)' : ''}`,
      };
    });
  });

  if (opts.instanceUrl) {
    const base = opts.instanceUrl.replace(/\/$/, '');
    add('instance', async () => {
      const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
      const health = (await (await fetch(`${base}/api/health`, { signal })).json()) as {
        version?: string;
        instance?: string;
      };
      const ready = await fetch(`${base}/api/ready`, { signal });
      const metrics = await fetch(`${base}/metrics`, {
        signal,
        ...(opts.metricsToken ? { headers: { authorization: `Bearer ${opts.metricsToken}` } } : {}),
      });
      const text = metrics.ok ? await metrics.text() : '';
      const gauge = (name: string) =>
        Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
      const lagMs = gauge('nodejs_eventloop_lag_p99_seconds') * 1000;
      const connections = gauge('rosterchirp_socketio_connections') + gauge('rosterchirp_stream_connections');
      const parts = [
        `${health.instance ?? '?'} v${health.version ?? '?'}`,
        ready.ok ? 'ready' : `not ready (${ready.status})`,
        metrics.ok
          ? `${connections} connections, event-loop lag p99 ${lagMs.toFixed(1)} ms`
          : 'metrics not readable here',
      ];
      return {
        ok: ready.ok,
        detail: parts.join(', '),
        ...(ready.ok ? {} : { problem: `/api/ready answers ${ready.status}` }),
      };
    });
  }

  return Promise.all(checks);
}

/** The most tenant schemas the bridges line reads in its one query. */
const BRIDGE_SCHEMAS_MAX = 500;

interface BridgeRow {
  schema: string;
  sms: boolean | null;
  wa: string | null;
  sms_last: Date | null;
  wa_last: Date | null;
  auth_rows: number;
}

/**
 * The SMS and WhatsApp bridges of every tenant on one database (docs/INTEGRATIONS.md): who has
 * SMS set up, each WhatsApp link's state, the last relayed message, the auth-state rows; one
 * query over the tenant schemas.
 */
async function bridgeRows(c: pg.Client): Promise<BridgeRow[]> {
  const { rows: schemas } = await c.query<{ s: string }>(
    `SELECT table_schema AS s FROM information_schema.tables WHERE table_name = 'whatsapp_auth'
     ORDER BY 1 LIMIT ${BRIDGE_SCHEMAS_MAX}`,
  );
  if (schemas.length === 0) return [];
  const parts = schemas.map(({ s }) => {
    const q = `"${s.replace(/"/g, '""')}"`;
    const lit = `'${s.replace(/'/g, "''")}'`;
    return `SELECT ${lit} AS schema,
      (SELECT value IS NOT NULL FROM ${q}.settings WHERE key = 'integration_sms') AS sms,
      (SELECT value->>'state' FROM ${q}.settings WHERE key = 'integration_whatsapp') AS wa,
      (SELECT max(created_at) FROM ${q}.bridge_messages WHERE bridge = 'sms') AS sms_last,
      (SELECT max(created_at) FROM ${q}.bridge_messages WHERE bridge = 'whatsapp') AS wa_last,
      (SELECT count(*)::int FROM ${q}.whatsapp_auth WHERE tenant = ${lit}) AS auth_rows`;
  });
  return (await c.query<BridgeRow>(parts.join(' UNION ALL '))).rows;
}

/** A WhatsApp link that is disconnected is a problem (its socket keeps retrying), as is a shard not read. */
function summariseBridges(rows: BridgeRow[], unreachable: string[]): Omit<CheckResult, 'name' | 'ms'> {
  const ago = (d: Date | null) =>
    d ? `${duration(Math.round((Date.now() - d.getTime()) / 1000))} ago` : 'never';
  const latest = (ds: Array<Date | null>) =>
    ds.reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null);
  const sms = rows.filter((r) => r.sms);
  const wa = rows.filter((r) => r.wa && r.wa !== 'unlinked');
  const byState = (state: string) => wa.filter((r) => r.wa === state).map((r) => r.schema);
  const disconnected = byState('disconnected');
  const authRows = rows.reduce((n, r) => n + r.auth_rows, 0);
  const detail =
    `SMS: ${sms.length} tenant${sms.length === 1 ? '' : 's'} set up, last message ${ago(latest(sms.map((r) => r.sms_last)))}; ` +
    `WhatsApp: ${byState('connected').length} connected, ${byState('linking').length} linking, ${disconnected.length} disconnected, ` +
    `last message ${ago(latest(wa.map((r) => r.wa_last)))}, ${authRows} auth-state rows`;
  const problems = [
    ...(disconnected.length
      ? [
          `WhatsApp disconnected for ${disconnected.slice(0, 5).join(', ')} (reconnecting; unlink and link again if it stays)`,
        ]
      : []),
    ...(unreachable.length ? [`cannot read shard ${unreachable.join(', ')}`] : []),
  ];
  return {
    ok: problems.length === 0,
    detail:
      rows.length === 0 && unreachable.length === 0 ? 'no tenant has the integrations tables yet' : detail,
    ...(problems.length ? { problem: problems.join('; ') } : {}),
  };
}
