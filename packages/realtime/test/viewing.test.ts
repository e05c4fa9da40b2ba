import { after, before, describe } from 'node:test';
import { REDIS_KINDS, type RedisHandle } from '@rosterchirp/infra';
import { connectRedis, type RedisClient } from '@rosterchirp/redis';
import { MemoryViewing } from '../src/viewing.memory.ts';
import { RedisViewing } from '../src/viewing.redis.ts';
import { viewingContract } from './viewing.contract.ts';

const clock = () => {
  let now = 1_000_000;
  return {
    now: () => now,
    advance: async (ms: number) => {
      now += ms;
    },
  };
};

describe('MemoryViewing', () => {
  viewingContract('memory', async () => {
    const c = clock();
    return { store: new MemoryViewing(1000, c.now), ttlMs: 1000, advance: c.advance };
  });
});

for (const kind of REDIS_KINDS)
  describe(`RedisViewing (${kind.name})`, () => {
    let redis: RedisHandle;
    const clients: RedisClient[] = [];
    before(async () => {
      redis = await kind.start();
    });
    after(async () => {
      for (const c of clients) c.disconnect();
      await redis?.stop();
    });
    viewingContract('redis', async () => {
      const client = connectRedis(redis, { role: 'test' });
      clients.push(client);
      await redis.flush();
      const c = clock();
      return { store: new RedisViewing(client, 60_000, c.now), ttlMs: 60_000, advance: c.advance };
    });
  });
