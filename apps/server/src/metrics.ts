import { createHash, timingSafeEqual } from 'node:crypto';
import type { Pool, ReplicaReads } from '@rosterchirp/db';
import { AppError, isPublicAddress } from '@rosterchirp/domain';
import type { QueueStats } from '@rosterchirp/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsSources {
  /** Live socket.io connections of this instance. */
  socketIoConnections: () => number;
  /** Live /api/stream connections of this instance. */
  streamConnections: () => number;
  /** Connections this instance keeps alive in presence. */
  presenceConnections: () => number;
  pool: Pool;
  /** The job queue's jobs per queue and state (read at scrape time). */
  jobStats: () => Promise<QueueStats[]>;
  /** The read replica's router, when DATABASE_REPLICA_URL is set. */
  replica?: ReplicaReads;
}

/**
 * `GET /metrics` (docs/API.md "Health"): Prometheus text from a registry of this app (not the
 * process-global one, so several apps can live in one test process): Node's defaults (heap,
 * RSS, event-loop lag, GC), connections, the pg pool, and HTTP requests by route and status.
 * With METRICS_TOKEN it needs `Authorization: Bearer <token>`; without, it answers only
 * loopback and private addresses (behind Caddy: the client's address from X-Forwarded-For).
 */
export interface AppMetrics {
  registry: Registry;
  /** Every store call's duration, by store and method (rosterchirp_store_call_duration_seconds). */
  observeStoreCall: (store: string, method: string, seconds: number) => void;
  /** One push's outcome (rosterchirp_push_deliveries_total). */
  countPush: (outcome: string) => void;
  /** Unreferenced uploads deleted by the cleanup job (rosterchirp_uploads_cleaned_total). */
  countUploadsDeleted: (count: number) => void;
  /** A session or access check answered from memory or asked (rosterchirp_access_cache_lookups_total). */
  countCacheLookup: (cache: 'sessions' | 'access', hit: boolean) => void;
  /** Integrations (rosterchirp_webhook_deliveries_total, rosterchirp_incoming_webhook_requests_total, rosterchirp_sms_total). */
  countWebhook: (outcome: string) => void;
  countIncoming: (outcome: string) => void;
  countSms: (outcome: string) => void;
}

/** The app's registry, made before the services so their store calls can be timed into it. */
export function createAppMetrics(): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const storeCalls = new Histogram({
    name: 'rosterchirp_store_call_duration_seconds',
    help: 'Store (database) calls by store and method',
    labelNames: ['store', 'method'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const pushes = new Counter({
    name: 'rosterchirp_push_deliveries_total',
    help: 'Web Push requests by outcome (sent, gone, retry, refused)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const cleaned = new Counter({
    name: 'rosterchirp_uploads_cleaned_total',
    help: 'Stored objects nothing pointed at, deleted by the upload cleanup job on this instance',
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'rosterchirp_access_cache_lookups_total',
    help: 'Session and conversation access checks by cache and result (hit: from memory; miss: asked the database)',
    labelNames: ['cache', 'result'] as const,
    registers: [registry],
  });
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['outcome'] as const, registers: [registry] });
  const webhooks = counter(
    'rosterchirp_webhook_deliveries_total',
    'Outgoing webhook POSTs by outcome (delivered, failed, refused by the address policy)',
  );
  const incoming = counter(
    'rosterchirp_incoming_webhook_requests_total',
    'Incoming webhook requests by outcome (posted, unknown, invalid, too_large, rate_limited)',
  );
  const sms = counter(
    'rosterchirp_sms_total',
    'SMS bridge events by outcome (received, duplicate, bad_signature, sent, send_failed, opted_out)',
  );
  return {
    registry,
    countWebhook: (outcome) => webhooks.inc({ outcome }),
    countIncoming: (outcome) => incoming.inc({ outcome }),
    countSms: (outcome) => sms.inc({ outcome }),
    countCacheLookup: (cache, hit) => cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' }),
    observeStoreCall: (store, method, seconds) => storeCalls.observe({ store, method }, seconds),
    countPush: (outcome) => pushes.inc({ outcome }),
    countUploadsDeleted: (count) => cleaned.inc(count),
  };
}

export function installMetrics(
  app: FastifyInstance,
  metrics: AppMetrics,
  sources: MetricsSources,
  token: string | undefined,
): void {
  const { registry } = metrics;
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge(
    'rosterchirp_socketio_connections',
    'Live socket.io connections on this instance',
    sources.socketIoConnections,
  );
  gauge(
    'rosterchirp_stream_connections',
    'Live /api/stream connections on this instance',
    sources.streamConnections,
  );
  gauge(
    'rosterchirp_presence_connections',
    'Connections this instance keeps alive in presence',
    sources.presenceConnections,
  );
  gauge('rosterchirp_pg_pool_clients', 'Postgres clients open in the pool', () => sources.pool.totalCount);
  gauge('rosterchirp_pg_pool_idle', 'Idle Postgres clients in the pool', () => sources.pool.idleCount);
  gauge(
    'rosterchirp_pg_pool_waiting',
    'Queries waiting for a pooled Postgres client',
    () => sources.pool.waitingCount,
  );
  if (sources.replica) {
    const replica = sources.replica;
    new Gauge({
      name: 'rosterchirp_replica_lag_seconds',
      help: 'Replay lag of the read replica at its last check (absent while unreachable)',
      registers: [registry],
      collect() {
        this.reset();
        if (replica.lag !== null) this.set(replica.lag / 1000);
      },
    });
    gauge('rosterchirp_replica_in_use', 'Reads go to the read replica now (1) or to the primary (0)', () =>
      replica.inUse ? 1 : 0,
    );
    const reported: Record<string, number> = {};
    new Counter({
      name: 'rosterchirp_db_reads_total',
      help: 'Replica-eligible reads by the pool that answered: replica, primary (replica not in use), fallback (the replica failed the read)',
      labelNames: ['pool'] as const,
      registers: [registry],
      collect() {
        for (const [pool, n] of Object.entries(replica.counts)) {
          const delta = n - (reported[pool] ?? 0);
          if (delta > 0) this.inc({ pool }, delta);
          reported[pool] = n;
        }
      },
    });
  }
  new Gauge({
    name: 'rosterchirp_jobs',
    help: 'Background jobs by queue and state (queued, active, failed), all instances',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const stats = await sources.jobStats().catch(() => []);
      for (const s of stats) {
        this.set({ queue: s.queue, state: 'queued' }, s.queued);
        this.set({ queue: s.queue, state: 'active' }, s.active);
        this.set({ queue: s.queue, state: 'failed' }, s.failed);
      }
    },
  });
  const requests = new Counter({
    name: 'rosterchirp_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'rosterchirp_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: ids must not explode the label space.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  const tokenDigest = token ? createHash('sha256').update(token).digest() : undefined;
  const allowed = (request: FastifyRequest) => {
    if (!tokenDigest) return !isPublicAddress(request.ip);
    const header = request.headers.authorization ?? '';
    const sent = header.startsWith('Bearer ') ? header.slice(7) : '';
    return timingSafeEqual(createHash('sha256').update(sent).digest(), tokenDigest);
  };
  app.get('/metrics', async (request, reply) => {
    // Refused as "no such route", so the endpoint does not advertise itself.
    if (!allowed(request)) throw new AppError('NOT_FOUND', 'No route GET /metrics');
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
