import type { Config } from '@rosterchirp/config';
import {
  createRedisFanoutAdapter,
  MemoryPresence,
  type PresenceStore,
  RedisPresence,
} from '@rosterchirp/realtime';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { AppDeps } from './app.ts';

export const PRESENCE_TTL_MS = 45_000;

export interface RealtimeBackend {
  presence: PresenceStore;
  socketAdapter?: AppDeps['socketAdapter'];
  readinessChecks: Record<string, () => Promise<boolean>>;
  /** The command client (rate limits, caches), when Redis is configured. */
  redis?: Redis;
  close(): Promise<void>;
}

/** REDIS_URL set: fan-out and presence through Redis (a cluster). Unset: in this process. */
export function createRealtimeBackend(
  config: Pick<Config, 'redisUrl'>,
  log: FastifyBaseLogger,
): RealtimeBackend {
  if (!config.redisUrl) {
    return {
      presence: new MemoryPresence({ ttlMs: PRESENCE_TTL_MS }),
      readinessChecks: {},
      close: async () => {},
    };
  }
  const connect = (role: string) => {
    const client = new Redis(config.redisUrl!, {
      connectionName: `rosterchirp-${role}`,
      // Fail commands fast while Redis is down instead of queueing them forever.
      maxRetriesPerRequest: 2,
      enableOfflineQueue: role !== 'commands',
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
    client.on('error', (err) => log.warn({ err: err.message, role }, 'redis connection error'));
    return client;
  };
  const redis = connect('commands');
  const pub = connect('pub');
  const sub = connect('sub');
  return {
    presence: new RedisPresence(redis, { ttlMs: PRESENCE_TTL_MS }),
    socketAdapter: createRedisFanoutAdapter(pub, sub),
    readinessChecks: { redis: async () => (await redis.ping()) === 'PONG' },
    redis,
    async close() {
      for (const c of [redis, pub, sub]) c.disconnect();
    },
  };
}
