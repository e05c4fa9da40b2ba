import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RedisClusterHandle, type RedisHandle, startRedis, startRedisCluster } from '@rosterchirp/infra';
import {
  connectRedis,
  isCluster,
  masters,
  type RedisClient,
  type RedisTarget,
  targetUrls,
  tenantTag,
} from '../src/index.ts';

describe('connectRedis', () => {
  let single: RedisHandle;
  let cluster: RedisClusterHandle;
  const clients: RedisClient[] = [];
  const open = (target: RedisTarget) => {
    const client = connectRedis(target, { role: 'test' });
    clients.push(client);
    return client;
  };
  before(async () => {
    [single, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await Promise.all([single?.stop(), cluster?.stop()]);
  });

  it('one URL is one server; a cluster is every master, found from any seed node', async () => {
    const one = open(single);
    assert.equal(isCluster(one), false);
    assert.equal(masters(one).length, 1);
    const seeded = open({ url: targetUrls(cluster)[1]!, cluster: true });
    assert.equal(isCluster(seeded), true);
    await seeded.set('probe', '1');
    assert.equal(masters(seeded).length, 3, 'the other masters were discovered');
  });

  it('a tenant’s tagged keys share one slot, so a multi-key script runs on a cluster; untagged ones spread', async () => {
    const client = open(cluster);
    const slotOf = async (key: string) => Number(await client.call('CLUSTER', 'KEYSLOT', key));
    const tag = tenantTag('tenant_acme');
    assert.equal(tag, '{tenant_acme}');
    const tagged = await Promise.all(
      [`${tag}:presence:conns`, `${tag}:presence:user:7`, `${tag}:viewing:group:3`].map(slotOf),
    );
    assert.equal(new Set(tagged).size, 1);
    const script = "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return 1";
    assert.equal(await client.eval(script, 2, `${tag}:a`, `${tag}:b`, 'v'), 1);
    await assert.rejects(
      client.eval(script, 2, 'tenant_acme:a', 'tenant_beta:b', 'v'),
      /CROSSSLOT/,
      'untagged keys of two tenants are in different slots (what the tags avoid)',
    );
    const spread = new Set(
      await Promise.all(['t_1', 't_2', 't_3', 't_4', 't_5', 't_6'].map((s) => slotOf(`${s}:x`))),
    );
    assert.ok(spread.size > 1);
  });
});
