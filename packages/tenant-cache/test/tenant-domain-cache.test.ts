import { after, before, describe } from 'node:test';
import { REDIS_KINDS, type RedisHandle } from '@rosterchirp/infra';
import { connectRedis, type RedisClient } from '@rosterchirp/redis';
import { MemoryTenantDomainCache } from '../src/tenant-domain-cache.memory.ts';
import { RedisTenantDomainCache } from '../src/tenant-domain-cache.redis.ts';
import { tenantCacheContract } from './tenant-domain-cache.contract.ts';

describe('MemoryTenantDomainCache', () => {
  tenantCacheContract('memory', async () => {
    let now = 0;
    const a = new MemoryTenantDomainCache({ localTtlMs: 1000, now: () => now });
    return {
      a,
      b: a,
      localTtlMs: 1000,
      entryTtlMs: 1000,
      shared: false,
      advance: async (ms) => {
        now += ms;
      },
    };
  });
});

for (const kind of REDIS_KINDS)
  describe(`RedisTenantDomainCache (${kind.name})`, () => {
    let redis: RedisHandle;
    const clients: RedisClient[] = [];
    const caches: RedisTenantDomainCache[] = [];
    before(async () => {
      redis = await kind.start();
    });
    after(async () => {
      for (const c of caches) await c.close();
      for (const c of clients) c.disconnect();
      await redis?.stop();
    });
    const client = () => {
      const c = connectRedis(redis, { role: 'test' });
      clients.push(c);
      return c;
    };
    tenantCacheContract('redis', async () => {
      await redis.flush();
      let now = 0;
      const opts = { localTtlMs: 1000, entryTtlSeconds: 10, now: () => now };
      const a = await RedisTenantDomainCache.create(client(), client(), opts);
      const b = await RedisTenantDomainCache.create(client(), client(), opts);
      caches.push(a, b);
      return {
        a,
        b,
        localTtlMs: 1000,
        entryTtlMs: 10_000,
        shared: true,
        advance: async (ms) => {
          now += ms;
        },
      };
    });
  });
