import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { ConnectionLimits, IntegrationsConfig, RateLimits } from '@rosterchirp/config';
import type { ChangeNotices, Pool, ReplicaReads, ShardMap } from '@rosterchirp/db';
import {
  createServices,
  createTenantProvisioning,
  type PushKeys,
  type Services,
  type TenantProvisioning,
  type WhatsappSocketFactory,
} from '@rosterchirp/domain';
import type { JobQueue, PresenceStore, ViewingStore } from '@rosterchirp/protocol';
import type { RateLimiter } from '@rosterchirp/rate-limit';
import { createSocketIoBus } from '@rosterchirp/realtime';
import type { ObjectStorage } from '@rosterchirp/storage';
import {
  cacheAccessChecks,
  createSqlStores,
  type HostAudit,
  type TenantCatalog,
  timed,
} from '@rosterchirp/store';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ServerOptions } from 'socket.io';
import type { WebSocket } from 'ws';
import { type TrustProxy, trustFunction } from './client-address.ts';
import { startInstanceRegistry } from './instance-registry.ts';
import { createAppMetrics, installMetrics } from './metrics.ts';
import { installErrorHandler, sendError } from './plugins/errors.ts';
import { requestContextPlugin } from './plugins/request-context.ts';
import { installRequestGuards, installSecurityHeaders } from './plugins/security.ts';
import { installValidators } from './plugins/validation.ts';
import { createRateGuards } from './rate-limits.ts';
import { MemoryRecentWriters, type RecentWriters } from './read-your-writes/index.ts';
import { ConnectionCaps, DEFAULT_CONNECTION_LIMITS } from './realtime/connection-caps.ts';
import { PresenceHeartbeats } from './realtime/presence-heartbeats.ts';
import {
  createSocketServer,
  installSocketHandlers,
  type RosterSocketServer,
} from './realtime/socket-server.ts';
import { installStreamRoute } from './realtime/stream-route.ts';
import { routeUpgrades } from './realtime/upgrade-router.ts';
import { relayWhatsappBetweenInstances } from './realtime/whatsapp-relay.ts';
import { requestIdOf } from './request-id.ts';
import { accessRoutes } from './routes/access.ts';
import { authRoutes } from './routes/auth.ts';
import { featureRoutes } from './routes/features.ts';
import { groupRoutes } from './routes/groups.ts';
import { healthRoutes } from './routes/health.ts';
import { hostRoutes } from './routes/host.ts';
import { integrationRoutes } from './routes/integrations.ts';
import { manifestRoutes } from './routes/manifest.ts';
import { messageRoutes } from './routes/messages.ts';
import { pushRoutes } from './routes/push.ts';
import { scheduleRoutes } from './routes/schedule.ts';
import { uploadRoutes } from './routes/uploads.ts';
import { userGroupRoutes } from './routes/user-groups.ts';
import { userRoutes } from './routes/users.ts';
import { moveTenant } from './tenant-move.ts';
import type { TenantResolver } from './tenant-resolver.ts';

export const VERSION = '0.1.0';
const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/public/', import.meta.url));

export interface AppDeps {
  log: Logger;
  pool: Pool;
  tenants: TenantResolver;
  presence: PresenceStore;
  storage: ObjectStorage;
  jwtSecret: string;
  instanceId: string;
  sessionTtlDays: number;
  cookieSecure: boolean;
  bodyLimitBytes: number;
  defaultUserPassword: string | undefined;
  webDir?: string | undefined;
  /** Presence TTL (heartbeats every third of it); default 45 s. */
  presenceTtlMs?: number;
  /** How often presence entries of dead instances are swept; default a quarter of the TTL. */
  presenceSweepMs?: number;
  /** Presence changes are sent at most once per this window per tenant (PRESENCE_BATCH_MS); default 1000. */
  presenceBatchMs?: number;
  /**
   * Commit-time change notices from Postgres: with them, each request's session check and each
   * conversation access check are answered from memory for up to `accessCacheMs` (0 or no
   * notices: always asked).
   */
  changeNotices?: ChangeNotices;
  accessCacheMs?: number;
  /** socket.io adapter for cross-instance fan-out; default: in-memory (one instance). */
  socketAdapter?: ServerOptions['adapter'] | undefined;
  /** Registers what to do when the fan-out comes back after an outage (SharedState). */
  onFanoutRestored?: ((listener: () => void) => void) | undefined;
  rateLimiter: RateLimiter;
  rateLimits: RateLimits;
  uploadMaxBytes: number;
  linkPreviews?: { enabled: boolean; allowPrivate: boolean };
  /** Integrations (LIVEKIT_*, OUTGOING_WEBHOOKS_ALLOW_PRIVATE, TWILIO_API_URL); default: calls off. */
  integrations?: IntegrationsConfig;
  /** Opens WhatsApp sockets; default Baileys (tests pass a stand-in for WhatsApp's servers). */
  whatsappSocket?: WhatsappSocketFactory;
  /** Web Push: the VAPID keys, whether private endpoints are allowed (tests), pushes in flight. */
  push: { keys: PushKeys; allowPrivateEndpoints: boolean; concurrency?: number; ratePerSecond?: number };
  /** The durable job queue (workers start with the app and stop when it closes). */
  jobs: JobQueue;
  /** A silent job is handed to another worker after this long; default 60 s. */
  jobLeaseSeconds?: number;
  /** How often unreferenced uploads are cleaned up, in hours (0: never); default 6. */
  uploadCleanupHours?: number;
  /** Unreferenced objects younger than this are kept (hours); default 24 — tests use 0. */
  uploadKeepHours?: number;
  /** Who looks at which conversation (pushes skip them); memory alone, Redis in a cluster. */
  viewing: ViewingStore;
  /** Extra readiness checks (e.g. Redis), besides Postgres. */
  readinessChecks?: Record<string, () => Promise<boolean>>;
  /** Host mode (APP_TYPE=host): the control plane and tenant provisioning. */
  hostMode?: HostModeDeps | undefined;
  /** Bearer token for /metrics; unset: private and loopback addresses only. */
  metricsToken?: string | undefined;
  /** TRUST_PROXY: peers whose X-Forwarded-For is believed; default none. */
  trustProxy?: TrustProxy;
  /** Live realtime connections per user and per client address on this instance. */
  connectionLimits?: ConnectionLimits;
  /** The read replica's router (DATABASE_REPLICA_URL), for /metrics. */
  replica?: ReplicaReads;
  /** After a write, the writer's reads go to the primary this long (READ_YOUR_WRITES_MS). */
  readYourWritesMs?: number;
  /** Who wrote recently, shared by the instances (Redis); default: this process's own marks. */
  recentWriters?: RecentWriters;
  /** Some shard has a read replica (recent writers are consulted); default: `replica` is set. */
  replicaReads?: boolean;
}

export interface HostModeDeps {
  domain: string;
  adminKey: string;
  shards: ShardMap;
  catalog: TenantCatalog;
  audit: HostAudit;
  /** Forgets a host in the tenant-domain cache of every instance. */
  invalidateHost: (host: string) => Promise<void>;
  defaultChatName: string;
}

export interface RouteEntry {
  method: string;
  url: string;
}

export interface RosterApp {
  app: FastifyInstance;
  io: RosterSocketServer;
  services: Services;
  /** Host mode only. */
  provisioning: TenantProvisioning | undefined;
  /** Every route registered, for route-table tests (isolation, error shapes). */
  routes: readonly RouteEntry[];
  /**
   * Graceful drain (docs/CLUSTER.md invariant 8): readiness turns false, then after `delayMs` (the
   * balancer's health checks have moved new traffic away) every realtime client is told to
   * reconnect, which lands it on another instance. In-flight requests finish in app.close().
   */
  drain(delayMs: number): Promise<void>;
}

/** Builds a fully wired instance; server.ts (or a test) decides when it listens and closes. */
export async function buildApp(deps: AppDeps): Promise<RosterApp> {
  const trust = trustFunction(deps.trustProxy ?? false);
  const app = Fastify({
    loggerInstance: deps.log,
    bodyLimit: deps.bodyLimitBytes,
    trustProxy: trust,
    requestIdHeader: false,
    genReqId: requestIdOf,
  }) as unknown as FastifyInstance;
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installValidators(app);
  installErrorHandler(app);
  installSecurityHeaders(app, deps.storage.browserOrigins());
  installRequestGuards(app);
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url });
    }
  });

  const upgrades = routeUpgrades(app.server, '/socket.io');
  const io = createSocketServer(upgrades.socketIo, deps.bodyLimitBytes);
  if (deps.socketAdapter) io.adapter(deps.socketAdapter);
  // Broadcasts from other instances may have been lost while Redis was away: every client of
  // this instance (socket.io and /api/stream alike) fetches what changed (docs/API.md).
  deps.onFanoutRestored?.(() => io.local.emit('sync:required', { reason: 'fanout_interrupted' }));
  const bus = createSocketIoBus(io);
  const metrics = createAppMetrics();
  const sqlStores = createSqlStores(metrics.observeStoreCall);
  const services = createServices({
    bus,
    stores:
      deps.changeNotices && (deps.accessCacheMs ?? 0) > 0
        ? cacheAccessChecks(sqlStores, deps.changeNotices, {
            ttlMs: deps.accessCacheMs ?? 0,
            maxEntries: 100_000,
            onLookup: metrics.countCacheLookup,
          })
        : sqlStores,
    presence: deps.presence,
    presenceBatchMs: deps.presenceBatchMs ?? 1000,
    storage: deps.storage,
    log: deps.log,
    jwtSecret: deps.jwtSecret,
    sessionTtlDays: deps.sessionTtlDays,
    defaultUserPassword: deps.defaultUserPassword,
    dbFor: deps.tenants.bySchema,
    uploadMaxBytes: deps.uploadMaxBytes,
    linkPreviews: deps.linkPreviews ?? { enabled: true, allowPrivate: false },
    push: {
      keys: deps.push.keys,
      allowPrivateEndpoints: deps.push.allowPrivateEndpoints,
      concurrency: deps.push.concurrency ?? 16,
      ratePerSecond: deps.push.ratePerSecond ?? 1000,
      onOutcome: metrics.countPush,
    },
    jobs: {
      queue: deps.jobs,
      leaseSeconds: deps.jobLeaseSeconds ?? 60,
      uploadCleanupHours: deps.uploadCleanupHours ?? 6,
      ...(deps.uploadKeepHours !== undefined ? { uploadKeepHours: deps.uploadKeepHours } : {}),
      onUploadsDeleted: metrics.countUploadsDeleted,
    },
    // Deployment-wide jobs visit every tenant: the catalog's (host mode; not while provisioning
    // or deleting), else the one workspace.
    tenantSchemas: async () =>
      deps.hostMode
        ? (await deps.hostMode.catalog.list())
            .filter((t) => t.status === 'active' || t.status === 'suspended')
            .map((t) => t.schema)
        : ['public'],
    viewing: deps.viewing,
    changeNotices: deps.changeNotices,
    integrations: {
      ...(deps.integrations ?? {
        livekit: null,
        outgoingAllowPrivate: false,
        twilioApiUrl: 'https://api.twilio.com',
      }),
      onWebhookOutcome: metrics.countWebhook,
      onSmsOutcome: metrics.countSms,
      onIncomingOutcome: metrics.countIncoming,
      ...(deps.whatsappSocket ? { whatsappSocket: deps.whatsappSocket } : {}),
    },
  });
  // A WhatsApp reply is sent by whichever instance holds the tenant's socket: the relay job asks
  // the others through the adapter (server-side emit with acknowledgements) when it is not here.
  if (deps.socketAdapter) relayWhatsappBetweenInstances(io, services.integrations.whatsapp, deps.log);
  await services.background.start();
  await services.integrations.jobs.start();

  let draining = false;
  const presenceTtlMs = deps.presenceTtlMs ?? 45_000;
  const heartbeats = new PresenceHeartbeats(services, Math.max(250, Math.floor(presenceTtlMs / 3)), deps.log);
  const openStreams = new Set<WebSocket>();
  const caps = new ConnectionCaps(deps.connectionLimits ?? DEFAULT_CONNECTION_LIMITS);
  installMetrics(
    app,
    metrics,
    {
      socketIoConnections: () => io.engine.clientsCount,
      streamConnections: () => openStreams.size,
      presenceConnections: () => heartbeats.size,
      pool: deps.pool,
      jobStats: () => deps.jobs.stats(),
      ...(deps.replica ? { replica: deps.replica } : {}),
    },
    deps.metricsToken,
  );
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, {
    options: { maxPayload: 64 * 1024, server: upgrades.fastify as unknown as HttpServer },
  });
  const rateGuards = createRateGuards(deps.rateLimiter, deps.rateLimits, deps.log);
  // Who just wrote matters only where some reads may go to a replica: no replica, no marks.
  const replicaReads = deps.replicaReads ?? deps.replica !== undefined;
  const recentWriters = replicaReads
    ? (deps.recentWriters ?? new MemoryRecentWriters(deps.readYourWritesMs ?? 5000))
    : undefined;
  await app.register(requestContextPlugin, {
    tenants: deps.tenants,
    services,
    rateGuards,
    ...(recentWriters ? { recentWriters } : {}),
  });
  await app.register(healthRoutes, {
    version: VERSION,
    instanceId: deps.instanceId,
    isDraining: () => draining,
    checks: {
      postgres: async () => (await deps.pool.query('SELECT 1')).rowCount === 1,
      ...deps.readinessChecks,
    },
  });
  await app.register(authRoutes, { cookieSecure: deps.cookieSecure });
  await app.register(userRoutes);
  await app.register(accessRoutes);
  await app.register(manifestRoutes);
  await app.register(pushRoutes);
  await app.register(groupRoutes);
  await app.register(messageRoutes);
  await app.register(userGroupRoutes);
  await app.register(scheduleRoutes);
  await app.register(uploadRoutes, { maxBytes: deps.uploadMaxBytes });
  await app.register(featureRoutes);
  await app.register(integrationRoutes);
  let provisioning: TenantProvisioning | undefined;
  if (deps.hostMode) {
    // The control plane's catalog and audit calls are timed like every other store's.
    const catalog = timed('tenantCatalog', deps.hostMode.catalog, metrics.observeStoreCall);
    const audit = timed('hostAudit', deps.hostMode.audit, metrics.observeStoreCall);
    provisioning = createTenantProvisioning({
      catalog,
      shards: deps.hostMode.shards,
      storage: deps.storage,
      bus,
      invalidateHost: deps.hostMode.invalidateHost,
      seed: services.seed,
      settings: services.settings,
      hostDomain: deps.hostMode.domain,
      defaultChatName: deps.hostMode.defaultChatName,
      log: deps.log,
      jobs: deps.jobs,
    });
    await provisioning.startWorkers(deps.jobLeaseSeconds ?? 60);
    await app.register(hostRoutes, {
      hostDomain: deps.hostMode.domain,
      adminKey: deps.hostMode.adminKey,
      catalog,
      audit,
      provisioning,
      tenants: deps.tenants,
      shardNames: () => deps.hostMode!.shards.names(),
      // The catalog's own store (untimed): the move audits through the route.
      moveTenant: (slug: string, to: string) =>
        moveTenant({ shards: deps.hostMode!.shards, catalog: deps.hostMode!.catalog, slug, to }),
    });
  }
  await app.register(async (scope) =>
    installStreamRoute(scope, io, services, rateGuards, deps.instanceId, heartbeats, openStreams, caps),
  );

  const webDir = deps.webDir ?? DEFAULT_WEB_DIR;
  const hasWeb = existsSync(`${webDir}/index.html`);
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && !request.url.startsWith('/api/') && hasWeb;
    if (wantsPage) return reply.type('text/html').sendFile('index.html');
    return sendError(reply, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`);
  });

  installSocketHandlers(
    io,
    services,
    rateGuards,
    deps.tenants,
    deps.log,
    heartbeats,
    caps,
    trust,
    recentWriters,
  );
  const sweepMs = deps.presenceSweepMs ?? Math.floor(presenceTtlMs / 4);
  const sweep = setInterval(() => {
    void services.presence
      .sweep(sweepMs)
      .catch((err: unknown) => deps.log.error({ err }, 'presence sweep failed'));
  }, sweepMs);
  sweep.unref();

  const registry = await startInstanceRegistry({
    pool: deps.pool,
    instanceId: deps.instanceId,
    version: VERSION,
    // socket.io clients (the stream bridge's stand-ins in the namespace are streams, counted once).
    connections: () => io.engine.clientsCount + openStreams.size,
    log: deps.log,
  });

  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await registry.stop();
    heartbeats.stop();
    // Streams still open would keep the HTTP server from closing.
    for (const ws of openStreams) ws.terminate();
    io.disconnectSockets(true);
    await new Promise<void>((resolve) => io.close(() => resolve()));
    // Running jobs finish (bounded); the rest wait in the queue for another instance.
    await deps.jobs.stop();
    services.close();
  });

  return {
    app,
    io,
    services,
    provisioning,
    routes,
    async drain(delayMs: number) {
      draining = true;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      for (const socket of io.of('/').sockets.values()) {
        // Closing the transport (not a server "disconnect") makes socket.io clients reconnect.
        (socket as { conn?: { close(): void } }).conn?.close();
      }
      for (const ws of openStreams) ws.close(1012, 'instance restarting; reconnect');
    },
  };
}
