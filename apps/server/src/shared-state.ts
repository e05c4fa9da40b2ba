import type { Config } from '@rosterchirp/config';
import type { PresenceStore, ViewingStore } from '@rosterchirp/protocol';
import { MemoryRateLimiter, type RateLimiter, RedisRateLimiter } from '@rosterchirp/rate-limit';
import {
  createRedisFanoutAdapter,
  MemoryPresence,
  MemoryViewing,
  RedisPresence,
  RedisViewing,
} from '@rosterchirp/realtime';
import { connectRedis, type RedisClient } from '@rosterchirp/redis';
import {
  MemoryTenantDomainCache,
  RedisTenantDomainCache,
  type TenantDomainCache,
} from '@rosterchirp/tenant-cache';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from './app.ts';

/** What instances share: presence, fan-out and rate limits — Redis in a cluster, memory alone. */
export interface SharedState {
  presence: PresenceStore;
  /** Who looks at which conversation now (pushes skip them). */
  viewing: ViewingStore;
  rateLimiter: RateLimiter;
  /** Host → tenant cache for host mode's resolver (invalidated on every instance). */
  tenantCache: TenantDomainCache;
  socketAdapter?: AppDeps['socketAdapter'];
  readinessChecks: Record<string, () => Promise<boolean>>;
  /**
   * Resolves once the fan-out's Redis connections are ready (at most a few seconds): the
   * sharded adapter must not subscribe while its connection is still in its handshake, or the
   * subscription can be lost. Await before serving.
   */
  ready(): Promise<void>;
  /** The command client (rate limits, caches), when Redis is configured. */
  redis?: RedisClient;
  /**
   * Calls `listener` each time the fan-out's Redis connections come back after a loss:
   * broadcasts may have been lost meanwhile (never, with one instance in memory).
   */
  onFanoutRestored(listener: () => void): void;
  close(): Promise<void>;
}

/** After a reconnect, ioredis re-subscribes; give that a moment before clients resynchronise. */
const RESUBSCRIBE_GRACE_MS = 300;

/** Fires once per outage of any of `clients`, when every one of them is ready again. */
function watchRestoration(clients: RedisClient[], log: FastifyBaseLogger) {
  const listeners: Array<() => void> = [];
  let interrupted = false;
  let timer: NodeJS.Timeout | undefined;
  for (const client of clients) {
    client.on('close', () => {
      if (!interrupted) log.warn('fan-out interrupted: Redis connection lost');
      interrupted = true;
      clearTimeout(timer);
    });
    client.on('ready', () => {
      if (!interrupted || clients.some((c) => c.status !== 'ready')) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        interrupted = false;
        log.warn('fan-out restored: telling this instance’s clients to resynchronise');
        for (const l of listeners) l();
      }, RESUBSCRIBE_GRACE_MS);
      timer.unref();
    });
  }
  return {
    on: (listener: () => void) => listeners.push(listener),
    stop: () => clearTimeout(timer),
  };
}

/** How long start-up waits for Redis before serving anyway (commands then fail cleanly). */
const READY_WAIT_MS = 10_000;

/** Resolves when every client is ready, or after `timeoutMs` (Redis away at start). */
function whenReady(clients: RedisClient[], timeoutMs: number): Promise<void> {
  const one = (client: RedisClient) =>
    client.status === 'ready' ? Promise.resolve() : new Promise<void>((r) => client.once('ready', () => r()));
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.all(clients.map(one)).then(() => undefined),
    new Promise<void>((r) => {
      timer = setTimeout(r, timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A client repeats what it shows every 25 s; an entry lapses a minute after the last repeat. */
const VIEWING_TTL_MS = 60_000;

/**
 * REDIS_URL (or REDIS_CLUSTER_NODES) set: everything through Redis — one server or a Redis
 * Cluster. Unset: in this process.
 */
export function createSharedState(
  config: Pick<Config, 'redisUrl'> & {
    redisCluster?: boolean;
    presenceTtlMs?: number;
    fanoutAdapter?: Config['fanoutAdapter'];
  },
  log: FastifyBaseLogger,
): SharedState {
  if (!config.redisUrl) {
    return {
      presence: new MemoryPresence({ ttlMs: config.presenceTtlMs ?? 45_000 }),
      viewing: new MemoryViewing(VIEWING_TTL_MS),
      rateLimiter: new MemoryRateLimiter(),
      tenantCache: new MemoryTenantDomainCache({ localTtlMs: 5000 }),
      readinessChecks: {},
      ready: async () => {},
      onFanoutRestored: () => {},
      close: async () => {},
    };
  }
  const target = { url: config.redisUrl, cluster: config.redisCluster ?? false };
  // While Redis is down a command waits for at most two reconnect attempts, then fails:
  // callers get a clean error instead of a hang.
  const connect = (role: string, shardedSubscriber = false) =>
    connectRedis(target, {
      role,
      shardedSubscriber,
      maxRetriesPerRequest: 2,
      onError: (err) => log.warn({ err: err.message, role }, 'redis connection error'),
    });
  const redis = connect('commands');
  const pub = connect('pub');
  const fanoutKind = config.fanoutAdapter ?? 'sharded';
  const sub = connect('sub', fanoutKind === 'sharded');
  const tenantCacheSubscriber = connect('tenant-cache');
  const tenantCache = RedisTenantDomainCache.create(redis, tenantCacheSubscriber, { localTtlMs: 5000 });
  const restoration = watchRestoration([pub, sub], log);
  return {
    onFanoutRestored: restoration.on,
    ready: () => whenReady([redis, pub, sub], READY_WAIT_MS),
    tenantCache: lazyTenantCache(tenantCache),
    presence: new RedisPresence(redis, { ttlMs: config.presenceTtlMs ?? 45_000 }),
    viewing: new RedisViewing(redis, VIEWING_TTL_MS),
    rateLimiter: new RedisRateLimiter(redis),
    socketAdapter: createRedisFanoutAdapter(pub, sub, fanoutKind),
    readinessChecks: { redis: async () => (await redis.ping()) === 'PONG' },
    redis,
    async close() {
      restoration.stop();
      await (await tenantCache).close();
      for (const c of [redis, pub, sub, tenantCacheSubscriber]) c.disconnect();
    },
  };
}

/** The Redis cache subscribes asynchronously; calls wait for that once. */
function lazyTenantCache(ready: Promise<TenantDomainCache>): TenantDomainCache {
  return {
    get: async (host) => (await ready).get(host),
    set: async (host, tenant) => (await ready).set(host, tenant),
    invalidate: async (host) => (await ready).invalidate(host),
    close: async () => (await ready).close(),
  };
}
