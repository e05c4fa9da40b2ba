import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REDIS_KINDS, type RedisHandle } from '@rosterchirp/infra';
import { connectRedis, type RedisClient } from '@rosterchirp/redis';
import { RedisPresence } from '../src/presence.redis.ts';
import { presenceContract } from './presence.contract.ts';

for (const kind of REDIS_KINDS)
  describe(`RedisPresence (${kind.name})`, () => {
    let redis: RedisHandle;
    const clients: RedisClient[] = [];
    const connect = () => {
      const client = connectRedis(redis, { role: 'test' });
      clients.push(client);
      return client;
    };
    before(async () => {
      redis = await kind.start();
    });
    after(async () => {
      for (const c of clients) c.disconnect();
      await redis?.stop();
    });
    presenceContract('redis', async () => {
      const client = connect();
      await redis.flush();
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

    it('one sweep per round across instances: the first claim wins until its lease lapses', async () => {
      const [a, b] = [connect(), connect()];
      await redis.flush();
      const one = new RedisPresence(a, { ttlMs: 1000 });
      const two = new RedisPresence(b, { ttlMs: 1000 });
      assert.equal(await one.claimSweep(200), true);
      assert.equal(await two.claimSweep(200), false, 'the other instance skips this round');
      assert.equal(await one.claimSweep(200), false, 'and so does the same one, until the lease lapses');
      await new Promise((r) => setTimeout(r, 250));
      assert.equal(await two.claimSweep(200), true, 'the next round is anyone’s');
    });

    it('entries lost with a Redis restart are rebuilt by the next heartbeat, and swept again', async () => {
      const client = connect();
      await redis.flush();
      let now = 2_000_000;
      const store = new RedisPresence(client, { ttlMs: 1000, now: () => now });
      await store.connect('tenant_r', 5, 'c1');
      await redis.flush(); // what a restarted Redis without persistence holds
      assert.deepEqual(await store.online('tenant_r'), []);
      await store.heartbeat([{ schema: 'tenant_r', userId: 5, connectionId: 'c1' }]);
      assert.deepEqual(await store.online('tenant_r'), [5], 'back after one heartbeat');
      now += 1500;
      assert.deepEqual(
        await store.expire(),
        [{ schema: 'tenant_r', userId: 5 }],
        'the sweep finds the tenant again',
      );
    });
  });
