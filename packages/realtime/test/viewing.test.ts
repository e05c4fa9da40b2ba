import { after, before, describe } from 'node:test';
import { type RedisHandle, startRedis } from '@rosterchirp/infra';
import { Redis } from 'ioredis';
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

describe('RedisViewing (real redis-server)', () => {
  let redis: RedisHandle;
  const clients: Redis[] = [];
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
  });
  viewingContract('redis', async () => {
    const client = new Redis(redis.url);
    clients.push(client);
    await client.flushall();
    const c = clock();
    return { store: new RedisViewing(client, 60_000, c.now), ttlMs: 60_000, advance: c.advance };
  });
});
