import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ViewingStore } from '@rosterchirp/protocol';

type Make = () => Promise<{ store: ViewingStore; ttlMs: number; advance(ms: number): Promise<void> }>;

/** What every ViewingStore promises; the memory and the Redis store both run it. */
export function viewingContract(name: string, make: Make) {
  it(`${name}: a connection showing a conversation makes its user a viewer of it, and only of it`, async () => {
    const { store } = await make();
    await store.set('tenant_a', 'c1', 7, 10);
    assert.deepEqual([...(await store.viewers('tenant_a', 10, [7, 8]))], [7]);
    assert.deepEqual([...(await store.viewers('tenant_a', 11, [7, 8]))], []);
    // Only the users asked about are answered.
    assert.deepEqual([...(await store.viewers('tenant_a', 10, [8]))], []);
  });

  it(`${name}: switching conversations or hiding the app stops it`, async () => {
    const { store } = await make();
    await store.set('tenant_a', 'c1', 7, 10);
    await store.set('tenant_a', 'c1', 7, 11);
    assert.deepEqual([...(await store.viewers('tenant_a', 10, [7]))], []);
    assert.deepEqual([...(await store.viewers('tenant_a', 11, [7]))], [7]);
    await store.set('tenant_a', 'c1', 7, null);
    assert.deepEqual([...(await store.viewers('tenant_a', 11, [7]))], []);
  });

  it(`${name}: one of two connections still showing it keeps the user a viewer`, async () => {
    const { store } = await make();
    await store.set('tenant_a', 'phone', 7, 10);
    await store.set('tenant_a', 'laptop', 7, 10);
    await store.set('tenant_a', 'phone', 7, null);
    assert.deepEqual([...(await store.viewers('tenant_a', 10, [7]))], [7]);
  });

  it(`${name}: an entry not repeated within the TTL lapses (a dead instance's connections)`, async () => {
    const { store, ttlMs, advance } = await make();
    await store.set('tenant_a', 'c1', 7, 10);
    await advance(ttlMs / 2);
    await store.set('tenant_a', 'c1', 7, 10);
    await advance(ttlMs / 2 + 1);
    assert.deepEqual([...(await store.viewers('tenant_a', 10, [7]))], [7]);
    await advance(ttlMs);
    assert.deepEqual([...(await store.viewers('tenant_a', 10, [7]))], []);
  });

  it(`${name}: tenants never see each other's viewers`, async () => {
    const { store } = await make();
    await store.set('tenant_a', 'c1', 7, 10);
    assert.deepEqual([...(await store.viewers('tenant_b', 10, [7]))], []);
  });
}
