import { after, before, describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { REDIS_KINDS, type RedisHandle } from '@rosterchirp/infra';
import { connectRedis, type RedisClient } from '@rosterchirp/redis';
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

for (const kind of REDIS_KINDS)
  describe(`RedisRateLimiter (${kind.name})`, () => {
    let redis: RedisHandle;
    let client: RedisClient;
    before(async () => {
      redis = await kind.start();
      client = connectRedis(redis, { role: 'test' });
    });
    after(async () => {
      client?.disconnect();
      await redis?.stop();
    });
    rateLimiterContract('redis', async () => {
      await redis.flush();
      return { limiter: new RedisRateLimiter(client), wait: (ms) => sleep(ms) };
    });
  });
