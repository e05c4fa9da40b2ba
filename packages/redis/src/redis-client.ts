import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * A command client: one standalone Redis, or a Redis Cluster (commands routed by key slot).
 * Both speak the same commands; a multi-key command or script must keep its keys in one slot
 * on a cluster (see `tenantTag`).
 */
export type RedisClient = Redis | Cluster;

/** Where Redis is: one server, or a Redis Cluster known by one or more of its nodes. */
export interface RedisTarget {
  /** One `redis://` / `rediss://` URL, or (a cluster) several separated by commas. */
  url: string;
  /** A Redis Cluster, even when `url` names a single seed node. */
  cluster: boolean;
}

export interface ConnectOptions {
  /** Shown in `CLIENT LIST` as `rosterchirp-{role}`. */
  role: string;
  /**
   * This connection will subscribe with SSUBSCRIBE (socket.io's sharded adapter): on a cluster
   * it keeps one subscriber per master and subscribes each channel on the master of its slot.
   */
  shardedSubscriber?: boolean;
  /** Reconnect attempts a command waits through while Redis is away before it fails. */
  maxRetriesPerRequest?: number;
  onError?: (err: Error) => void;
}

/** Splits a target's URL list; each entry must be a redis:// or rediss:// URL. */
export function targetUrls(target: RedisTarget): string[] {
  return target.url
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Connection settings every node of a cluster shares, taken from the first URL. */
function nodeOptions(first: URL): RedisOptions {
  return {
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Opens a client for `target`: `Redis` for one server, ioredis' `Cluster` for a cluster. */
export function connectRedis(target: RedisTarget, opts: ConnectOptions): RedisClient {
  const common: RedisOptions = {
    connectionName: `rosterchirp-${opts.role}`,
    maxRetriesPerRequest: opts.maxRetriesPerRequest ?? 2,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  };
  const urls = targetUrls(target);
  let client: RedisClient;
  if (!target.cluster && urls.length === 1) {
    client = new Redis(urls[0]!, common);
  } else {
    const parsed = urls.map((u) => new URL(u));
    client = new Cluster(
      parsed.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })),
      {
        redisOptions: { ...common, ...nodeOptions(parsed[0]!) },
        clusterRetryStrategy: (times) => Math.min(times * 100, 2000),
        shardedSubscribers: opts.shardedSubscriber === true,
        // Slots move when masters fail over or are resharded; follow quickly.
        slotsRefreshInterval: 5000,
      },
    );
  }
  client.on('error', (err: Error) => opts.onError?.(err));
  return client;
}

/** Every master of `client` (the one server, or each cluster master): for per-node commands. */
export function masters(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** True when `client` talks to a Redis Cluster. */
export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}
