import { after, before, describe } from 'node:test';
import { type RedisHandle, startRedis } from '@rosterchirp/infra';
import { Redis } from 'ioredis';
import { RedisPresence } from '../src/presence.redis.ts';
import { presenceContract } from './presence.contract.ts';

describe('RedisPresence (real redis-server)', () => {
  let redis: RedisHandle;
  const clients: Redis[] = [];
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
  });
  presenceContract('redis', async () => {
    const client = new Redis(redis.url);
    clients.push(client);
    await client.flushall();
    let now = 1_000_000;
    const ttlMs = 1000;
    return {
      store: new RedisPresence(client, { ttlMs, now: () => now }),
      ttlMs,
      advance: async (ms) => {
        now += ms;
      },
    };
  });
});
