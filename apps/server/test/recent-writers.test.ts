/**
 * The recent-writers seam (read-your-writes with read replicas): one contract over the memory
 * marks and the Redis ones (one redis-server and a 3-master Redis Cluster); the Redis marks are
 * also seen by a second instance.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REDIS_KINDS, type RedisHandle } from '@rosterchirp/infra';
import { connectRedis, type RedisClient } from '@rosterchirp/redis';
import {
  MemoryRecentWriters,
  type RecentWriters,
  RedisRecentWriters,
} from '../src/read-your-writes/index.ts';
import { sleep } from './harness.ts';

const WINDOW_MS = 300;

function recentWritersContract(name: string, make: () => Promise<RecentWriters>) {
  describe(`recent writers contract: ${name}`, () => {
    it('a write marks that person of that tenant only, for the window', async () => {
      const marks = await make();
      assert.equal(await marks.recently('tenant_a', 7), false);
      marks.wrote('tenant_a', 7);
      await sleep(20); // the shared mark is written in the background
      assert.equal(await marks.recently('tenant_a', 7), true);
      assert.equal(await marks.recently('tenant_a', 8), false, 'another person');
      assert.equal(await marks.recently('tenant_b', 7), false, 'the same id in another tenant');
      await sleep(WINDOW_MS + 100);
      assert.equal(await marks.recently('tenant_a', 7), false, 'lapsed after the window');
    });
  });
}

recentWritersContract('memory', async () => new MemoryRecentWriters(WINDOW_MS));

for (const kind of REDIS_KINDS) {
  describe(`RedisRecentWriters (${kind.name})`, () => {
    let redis: RedisHandle;
    const clients: RedisClient[] = [];
    const open = () => {
      const client = connectRedis(redis, { role: 'test' });
      clients.push(client);
      return new RedisRecentWriters(client, WINDOW_MS);
    };
    before(async () => {
      redis = await kind.start();
    });
    after(async () => {
      for (const c of clients) c.disconnect();
      await redis?.stop();
    });
    recentWritersContract(`redis (${kind.name})`, async () => {
      await redis.flush();
      return open();
    });
    it('a mark made on one instance is seen on another; with Redis away, everyone counts as a writer', async () => {
      await redis.flush();
      const [one, two] = [open(), open()];
      one.wrote('tenant_a', 1);
      await sleep(20);
      assert.equal(await two.recently('tenant_a', 1), true);
      assert.equal(await two.recently('tenant_a', 2), false);
      const gone = connectRedis(
        { url: 'redis://127.0.0.1:1', cluster: false },
        { role: 'test', maxRetriesPerRequest: 0 },
      );
      clients.push(gone);
      assert.equal(
        await new RedisRecentWriters(gone, WINDOW_MS).recently('tenant_a', 2),
        true,
        'primary when unsure',
      );
    });
  });
}
