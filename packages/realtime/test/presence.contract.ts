import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PresenceStore } from '@rosterchirp/protocol';

export interface PresenceHarness {
  store: PresenceStore;
  /** Moves the store's clock forward (or waits, for a real server). */
  advance(ms: number): Promise<void>;
  ttlMs: number;
}

/** One contract for every PresenceStore: memory now, Redis in the cluster issue. */
export function presenceContract(name: string, create: () => Promise<PresenceHarness>) {
  it(`${name}: first connection reports online, last disconnection reports offline`, async () => {
    const { store } = await create();
    assert.equal(await store.connect('t1', 7, 'a'), true);
    assert.equal(await store.connect('t1', 7, 'b'), false, 'second tab is not a new online');
    assert.deepEqual(await store.online('t1'), [7]);
    assert.equal(await store.disconnect('t1', 7, 'a'), false);
    assert.deepEqual(await store.online('t1'), [7], 'still online through the other tab');
    assert.equal(await store.disconnect('t1', 7, 'b'), true);
    assert.deepEqual(await store.online('t1'), []);
    assert.equal(await store.disconnect('t1', 7, 'b'), false, 'unknown connection changes nothing');
    await store.close();
  });

  it(`${name}: tenants never see each other's users`, async () => {
    const { store } = await create();
    await store.connect('tenant_a', 1, 'x');
    await store.connect('tenant_b', 2, 'y');
    assert.deepEqual(await store.online('tenant_a'), [1]);
    assert.deepEqual(await store.online('tenant_b'), [2]);
    assert.equal(
      await store.disconnect('tenant_b', 1, 'x'),
      false,
      'same id in another tenant is another user',
    );
    assert.deepEqual(await store.online('tenant_a'), [1]);
    await store.close();
  });

  it(`${name}: connections whose heartbeats stop expire and are reported once`, async () => {
    const { store, advance, ttlMs } = await create();
    await store.connect('t1', 1, 'alive');
    await store.connect('t1', 2, 'dead');
    await advance(ttlMs / 2);
    await store.heartbeat([{ schema: 't1', userId: 1, connectionId: 'alive' }]);
    await advance(ttlMs / 2 + 10);
    assert.deepEqual(await store.online('t1'), [1]);
    assert.deepEqual(await store.expire(), [{ schema: 't1', userId: 2 }]);
    assert.deepEqual(await store.expire(), []);
    assert.equal(await store.connect('t1', 2, 'back'), true, 'coming back is a new online');
    await store.close();
  });

  it(`${name}: one heartbeat call keeps every connection of an instance alive, across tenants`, async () => {
    const { store, advance, ttlMs } = await create();
    const connections = Array.from({ length: 1200 }, (_, i) => ({
      schema: i % 2 ? 't1' : 't2',
      userId: 1 + (i % 300),
      connectionId: `c${i}`,
    }));
    for (const c of connections) await store.connect(c.schema, c.userId, c.connectionId);
    await store.heartbeat([]);
    await advance(ttlMs / 2);
    await store.heartbeat(connections);
    await advance(ttlMs / 2 + 10);
    assert.deepEqual(await store.expire(), [], 'nothing expired');
    assert.equal((await store.online('t1')).length, 150);
    assert.equal((await store.online('t2')).length, 150);
    await advance(ttlMs);
    assert.equal((await store.expire()).length, 300, 'without heartbeats they all go');
    await store.close();
  });
}
