import { after, before, describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RedisHandle, startRedis } from '@rosterchirp/infra';
import { Redis } from 'ioredis';
import { MemoryRateLimiter } from '../src/rate-limiter.memory.ts';
import { RedisRateLimiter } from '../src/rate-limiter.redis.ts';
import { rateLimiterContract } from './rate-limiter.contract.ts';

describe('MemoryRateLimiter', () => {
  rateLimiterContract('memory', async () => {
    let now = 0;
    return {
      limiter: new MemoryRateLimiter(() => now),
      wait: async (ms) => {
        now += ms;
      },
    };
  });
});

describe('RedisRateLimiter (real redis-server)', () => {
  let redis: RedisHandle;
  let client: Redis;
  before(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });
  rateLimiterContract('redis', async () => {
    await client.flushall();
    return { limiter: new RedisRateLimiter(client), wait: (ms) => sleep(ms) };
  });
});
