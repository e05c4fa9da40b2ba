import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { ConnectionLimits, IntegrationsConfig, RateLimits } from '@rosterchirp/config';
import { createPool, listenForChanges, migrateSchema, type TenantDb, tenantDb } from '@rosterchirp/db';
import type { WhatsappSocketFactory } from '@rosterchirp/domain';
import { startTestDatabase, type TestDatabase } from '@rosterchirp/infra';
import { PgBossQueue } from '@rosterchirp/jobs';
import type {
  ClientToServerEvents,
  Message,
  ServerToClientEvents,
  StreamServerFrame,
  User,
} from '@rosterchirp/protocol';
import { LocalDiskStorage, type ObjectStorage } from '@rosterchirp/storage';
import { createSqlStores } from '@rosterchirp/store';
import pino, { type Logger } from 'pino';
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { buildApp, type RosterApp } from '../src/app.ts';
import { setupHostMode } from '../src/host-mode.ts';
import { openShards } from '../src/open-shards.ts';
import { RedisRecentWriters } from '../src/read-your-writes/index.ts';
import { createSharedState } from '../src/shared-state.ts';
import { createSelfhostResolver } from '../src/tenant-resolver.ts';
import { loadOrCreateVapidKeys } from '../src/vapid-keys.ts';

/** Real Postgres behind PgBouncer (transaction mode), one per test file: see infra/test-database.ts. */
export async function startTestPostgres(): Promise<TestDatabase> {
  return startTestDatabase();
}

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export const ADMIN = { email: 'admin@example.test', name: 'Ada Admin', password: 'admin-password-1' };

export interface TestServer extends RosterApp {
  url: string;
  port: number;
  pool: ReturnType<typeof createPool>;
  /** The public schema, as routes see it. */
  db: TenantDb;
  close(): Promise<void>;
}

/** A whole instance (buildApp with real deps) listening on a free loopback port. */
export async function startTestServer(
  db: Pick<TestDatabase, 'url' | 'directUrl'>,
  opts: {
    instanceId?: string;
    redisUrl?: string;
    /** redisUrl is a Redis Cluster (every node URL, commas between). */
    redisCluster?: boolean;
    /** A streaming replica of the test database that answers replica-eligible reads. */
    replica?: { url: string; maxLagMs: number; checkEveryMs?: number };
    /** After a write, the writer's reads go to the primary this long; default 5000. */
    readYourWritesMs?: number;
    /** Further database clusters for tenants (host mode's SHARDS): name → its databases. */
    shards?: Record<string, { url: string; directUrl: string }>;
    rateLimits?: RateLimits;
    uploadMaxBytes?: number;
    linkPreviews?: { enabled: boolean; allowPrivate: boolean };
    /** Default: calls off, webhooks may target loopback (tests), Twilio's real API. */
    integrations?: Partial<IntegrationsConfig>;
    /** Opens WhatsApp sockets (a stand-in: WhatsApp's servers are not reachable here). */
    whatsappSocket?: WhatsappSocketFactory;
    storage?: ObjectStorage;
    /** Host mode (APP_TYPE=host) with this HOST_DOMAIN and admin key. */
    hostMode?: { domain: string; adminKey: string };
    metricsToken?: string;
    trustProxy?: false | number | string[];
    connectionLimits?: ConnectionLimits;
    /** Web Push endpoints on loopback allowed (the local push stand-in). */
    pushAllowPrivateEndpoints?: boolean;
    /** Seconds before a silent job is handed to another worker; default 30. */
    jobLeaseSeconds?: number;
    /** Periodic upload cleanup (hours); default 0, off (tests run it through the route). */
    uploadCleanupHours?: number;
    /** Unreferenced uploads younger than this are kept (hours); default 24. */
    uploadKeepHours?: number;
    /** Presence changes' batching window; default 50 ms (tests wait for them). */
    presenceBatchMs?: number;
    /** A logger of the test's own (log-capture tests); default silent. */
    log?: Logger;
  } = {},
): Promise<TestServer> {
  const log = opts.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  await migrateSchema(db.directUrl, 'public');
  const pool = createPool(db.url, 10, log);
  const uploads = await mkdtemp(join(tmpdir(), 'rc-uploads-'));
  const shared = createSharedState({ redisUrl: opts.redisUrl, redisCluster: opts.redisCluster }, log);
  await shared.ready();
  // The shards and replica as the server opens them (open-shards.ts), with small pools.
  const opened = await openShards(
    {
      shards: opts.shards ?? {},
      databaseReplicaUrl: opts.replica?.url,
      databasePoolSize: 5,
      replicaMaxLagMs: opts.replica?.maxLagMs ?? 2000,
    },
    { pool, directUrl: db.directUrl },
    log,
    opts.replica?.checkEveryMs ? { replicaCheckMs: opts.replica.checkEveryMs } : {},
  );
  const { shards, mainReplica: replica } = opened;
  // Every test runs with the session cache on, as production does: a revocation or a change of
  // a person must be seen at once through the database's change notices.
  const changeNotices = listenForChanges(shards.names().map((name) => shards.get(name).directUrl));
  const host = opts.hostMode
    ? await setupHostMode({
        shards,
        changeNotices,
        cache: shared.tenantCache,
        defaultChatName: 'General Chat',
        log,
        ...opts.hostMode,
      })
    : undefined;
  const tenants = host?.tenants ?? createSelfhostResolver(pool, replica);
  const jobs = new PgBossQueue(pool, {
    pollingIntervalSeconds: 0.5,
    maintenanceIntervalSeconds: 1,
    onError: (err) => log.error({ err }, 'job queue error'),
  });
  const built = await buildApp({
    log,
    pool,
    tenants,
    presence: shared.presence,
    viewing: shared.viewing,
    jobs,
    jobLeaseSeconds: opts.jobLeaseSeconds ?? 30,
    uploadCleanupHours: opts.uploadCleanupHours ?? 0,
    ...(opts.uploadKeepHours !== undefined ? { uploadKeepHours: opts.uploadKeepHours } : {}),
    socketAdapter: shared.socketAdapter,
    onFanoutRestored: shared.onFanoutRestored,
    readinessChecks: shared.readinessChecks,
    rateLimiter: shared.rateLimiter,
    rateLimits: opts.rateLimits ?? {
      loginPerMinute: 1000,
      sendPer10Seconds: 10_000,
      hostAdminPerMinute: 1000,
      reactionsPer10Seconds: 10_000,
    },
    uploadMaxBytes: opts.uploadMaxBytes ?? 1024 * 1024,
    linkPreviews: opts.linkPreviews ?? { enabled: false, allowPrivate: false },
    storage: opts.storage ?? new LocalDiskStorage(uploads),
    integrations: {
      livekit: null,
      outgoingAllowPrivate: true,
      twilioApiUrl: 'https://api.twilio.com',
      ...opts.integrations,
    },
    ...(opts.whatsappSocket ? { whatsappSocket: opts.whatsappSocket } : {}),
    jwtSecret: TEST_JWT_SECRET,
    push: {
      keys: await loadOrCreateVapidKeys(createSqlStores().settings, tenantDb(pool, 'public'), {
        vapidPublic: undefined,
        vapidPrivate: undefined,
        subject: 'mailto:tests@rosterchirp.test',
      }),
      allowPrivateEndpoints: opts.pushAllowPrivateEndpoints ?? false,
    },
    instanceId: opts.instanceId ?? 'test-1',
    sessionTtlDays: 30,
    cookieSecure: false,
    bodyLimitBytes: 64 * 1024,
    defaultUserPassword: undefined,
    presenceSweepMs: 500,
    presenceBatchMs: opts.presenceBatchMs ?? 50,
    changeNotices,
    ...(replica ? { replica } : {}),
    ...(opts.readYourWritesMs !== undefined ? { readYourWritesMs: opts.readYourWritesMs } : {}),
    ...(replica && shared.redis
      ? { recentWriters: new RedisRecentWriters(shared.redis, opts.readYourWritesMs ?? 5000) }
      : {}),
    accessCacheMs: 30_000,
    metricsToken: opts.metricsToken,
    trustProxy: opts.trustProxy ?? false,
    ...(opts.connectionLimits ? { connectionLimits: opts.connectionLimits } : {}),
    hostMode: host?.deps,
  });
  await built.services.seed.tenant(tenants.bySchema('public'), {
    admin: { ...ADMIN, resetPassword: false },
    defaultChatName: 'General Chat',
  });
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (built.app.server.address() as AddressInfo).port;
  return {
    ...built,
    url: `http://127.0.0.1:${port}`,
    port,
    pool,
    db: tenants.bySchema('public'),
    async close() {
      await built.app.close();
      await shared.close();
      await changeNotices.close();
      await opened.close();
      await pool.end();
      await rm(uploads, { recursive: true, force: true });
    },
  };
}

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

/** HTTP through fastify's inject: no socket, real routing, validation and database. */
export async function api<T = Record<string, unknown>>(
  server: TestServer,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined;
  if (opts.rawBody !== undefined) payload = opts.rawBody;
  else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
  if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await server.app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
  const text = res.body;
  return { status: res.statusCode, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
}

export async function login(
  server: TestServer,
  email: string,
  password: string,
  device: 'desktop' | 'mobile' = 'desktop',
): Promise<{ token: string; user: User }> {
  const res = await api<{ token: string; user: User }>(server, 'POST', '/api/auth/login', {
    body: { email, password, device },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let userCounter = 0;
/** Creates a member through the admin API and signs them in. */
export async function createMember(
  server: TestServer,
  adminToken: string,
  name: string,
): Promise<{ token: string; user: User; password: string }> {
  userCounter++;
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${userCounter}.${process.pid}@example.test`;
  const password = `pw-${name}-${userCounter}-secret`;
  const res = await api(server, 'POST', '/api/users', { token: adminToken, body: { email, name, password } });
  if (res.status !== 201) throw new Error(`create user failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...(await login(server, email, password)), password };
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function connectSocket(
  server: TestServer,
  token: string | undefined,
  opts: { host?: string } = {},
): Promise<TestSocket> {
  const socket: TestSocket = ioClient(server.url, {
    transports: ['websocket'],
    auth: token ? { token } : {},
    ...(opts.host ? { extraHeaders: { host: opts.host } } : {}),
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return socket;
}

/** Collects every event a socket receives, for "received exactly once / never" assertions. */
export function recordEvents(socket: TestSocket): Array<{ event: string; data: unknown }> {
  const seen: Array<{ event: string; data: unknown }> = [];
  socket.onAny((event: string, data: unknown) => seen.push({ event, data }));
  return seen;
}

export interface TestStream {
  ws: WebSocket;
  frames: StreamServerFrame[];
  hello: StreamServerFrame;
  send(frame: unknown): void;
  close(): void;
}

export async function connectStream(
  server: TestServer,
  token: string,
  via: 'header' | 'query' = 'header',
  opts: { host?: string } = {},
): Promise<TestStream> {
  const url = `ws://127.0.0.1:${server.port}/api/stream${via === 'query' ? `?token=${encodeURIComponent(token)}` : ''}`;
  const headers: Record<string, string> = opts.host ? { host: opts.host } : {};
  if (via === 'header') headers.authorization = `Bearer ${token}`;
  const ws = new WebSocket(url, { headers });
  const frames: StreamServerFrame[] = [];
  const hello = await new Promise<StreamServerFrame>((resolve, reject) => {
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as StreamServerFrame;
      if (frame.type === 'hello') resolve(frame);
      else frames.push(frame);
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`stream refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return { ws, frames, hello, send: (f) => ws.send(JSON.stringify(f)), close: () => ws.close() };
}

/** Polls until the predicate holds (events arrive asynchronously); fails after timeoutMs. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function sendMessage(
  server: TestServer,
  token: string,
  groupId: number,
  content: string,
  clientId?: string,
) {
  return api<{ message: Message }>(server, 'POST', `/api/groups/${groupId}/messages`, {
    token,
    body: { clientId: clientId ?? `c-${Math.random().toString(36).slice(2)}`, content },
  });
}

/** Row count of a table in the public schema: "nothing stored changed" checks. */
export async function countRows(server: TestServer, table: string): Promise<number> {
  const { rows } = await server.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.${table}`);
  return rows[0]!.n;
}

/** A private group made by `ownerToken`'s user with these members; its id. */
export async function createPrivateGroup(
  server: TestServer,
  ownerToken: string,
  name: string,
  memberIds: number[],
): Promise<number> {
  const res = await api<{ group: { id: number } }>(server, 'POST', '/api/groups', {
    token: ownerToken,
    body: { type: 'private', name, memberIds },
  });
  if (res.status !== 201) throw new Error(`create group failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.group.id;
}

/** The tenant's public channel ("General Chat") as `token`'s user sees it; its id. */
export async function publicChannel(server: TestServer, token: string): Promise<number> {
  const res = await api<{ groups: Array<{ id: number; type: string }> }>(server, 'GET', '/api/groups', {
    token,
  });
  const channel = res.body.groups.find((g) => g.type === 'public');
  if (!channel) throw new Error('no public channel');
  return channel.id;
}

/**
 * Makes a schema migrations behind, as if it predated the latest release: migrations 013 (the
 * schedule), 014 (change notices) and 015 (integrations) are undone and lose their records. A test checks
 * `LATEST_MIGRATION_TABLE` to see it applied again.
 */
export const LATEST_MIGRATION_TABLE = 'events';
export async function putBehindLatestMigration(
  pool: { query: (sql: string) => Promise<unknown> },
  schema: string,
) {
  await pool.query(
    `DROP TABLE ${schema}.reminder_deliveries, ${schema}.calendar_tokens, ${schema}.event_rsvps, ${schema}.events`,
  );
  await pool.query(`DROP INDEX ${schema}.event_types_lower_name_key`);
  // Migration 014 (change notices) goes too, so 13 and 14 are both applied again.
  await pool.query(`DROP FUNCTION ${schema}.notify_change() CASCADE`);
  await pool.query(`DROP FUNCTION ${schema}.group_access(integer, integer)`);
  await pool.query(`DROP TABLE ${schema}.user_counts`);
  await pool.query(`DROP INDEX ${schema}.groups_public`);
  await pool.query(`DROP FUNCTION ${schema}.push_candidates`);
  await pool.query(`DROP FUNCTION ${schema}.user_counts_rows() CASCADE`);
  await pool.query(`DROP FUNCTION ${schema}.user_counts_status() CASCADE`);
  // Migration 015 (integrations) goes too.
  await pool.query(
    `DROP TABLE ${schema}.whatsapp_auth, ${schema}.bridge_messages, ${schema}.bridge_conversations,
       ${schema}.contacts, ${schema}.webhook_deliveries, ${schema}.outgoing_webhooks,
       ${schema}.incoming_webhooks, ${schema}.bots`,
  );
  await pool.query(`ALTER TABLE ${schema}.users DROP COLUMN bot_scopes`);
  await pool.query(`ALTER TABLE ${schema}.messages DROP COLUMN sender_name, DROP COLUMN sender_icon`);
  await pool.query(`DELETE FROM ${schema}.schema_migrations WHERE version IN (13, 14, 15)`);
}

/** How many `presence:changed` events among those heard list the user as online (or offline). */
export function presenceChanges(
  heard: ReadonlyArray<{ event: string; data: unknown }>,
  userId: number,
  state: 'online' | 'offline',
): number {
  return heard.filter(
    (e) =>
      e.event === 'presence:changed' && (e.data as Record<typeof state, number[]>)[state].includes(userId),
  ).length;
}

/** What a test connection heard: recordEvents() entries or stream frames. */
export type Heard = ReadonlyArray<{ event?: string; type?: string; data?: unknown }>;

/**
 * Absence without sleeping: sends a barrier message to a conversation every observer hears and
 * waits until each has it. A connection receives events in the order the server emitted them,
 * so anything emitted before the barrier has arrived by then — or never will. Send it through
 * the same connection as the event under test when that was a client event.
 */
export async function barrier(
  send: (clientId: string) => Promise<unknown>,
  observers: Heard[],
  timeoutMs = 5000,
): Promise<void> {
  const clientId = `barrier-${crypto.randomUUID()}`;
  await send(clientId);
  const heard = (h: Heard) =>
    h.some(
      (e) =>
        (e.event ?? e.type) === 'message:new' &&
        (e.data as { message?: { clientId?: string } } | undefined)?.message?.clientId === clientId,
    );
  await waitFor('the barrier at every observer', () => observers.every(heard), timeoutMs);
}

/** A barrier sent over REST by `token`'s user into `groupId`. */
export const restBarrier = (server: TestServer, token: string, groupId: number, observers: Heard[]) =>
  barrier((clientId) => sendMessage(server, token, groupId, 'barrier', clientId), observers);

/** A barrier sent through a socket, after whatever that socket emitted before. */
export const socketBarrier = (socket: TestSocket, groupId: number, observers: Heard[]) =>
  barrier(
    (clientId) => socket.emitWithAck('message:send', { groupId, clientId, content: 'barrier' }),
    observers,
  );

/** One instance on its own database, with the seeded admin signed in: most suites start here. */
export async function startAdminWorld(
  opts: Parameters<typeof startTestServer>[1] = {},
): Promise<{ server: TestServer; adminToken: string; close(): Promise<void> }> {
  const pg = await startTestPostgres();
  const server = await startTestServer(pg, opts);
  const adminToken = (await login(server, ADMIN.email, ADMIN.password)).token;
  return {
    server,
    adminToken,
    async close() {
      await server.close();
      await pg.stop();
    },
  };
}

/**
 * The admin world of a suite: started before its tests, closed after them. Read
 * `world.server` and `world.adminToken` inside the tests.
 */
export function adminWorldForSuite(opts: Parameters<typeof startTestServer>[1] = {}) {
  const world = {} as Awaited<ReturnType<typeof startAdminWorld>>;
  before(async () => Object.assign(world, await startAdminWorld(opts)));
  after(() => world.close?.());
  return world;
}
