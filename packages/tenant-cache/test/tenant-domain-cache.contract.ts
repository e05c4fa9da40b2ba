import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TenantDomainCache } from '../src/tenant-domain-cache.ts';

const acme = { slug: 'acme', schema: 'tenant_acme', status: 'active' as const, shard: 'main' };

export interface CacheHarness {
  /** Two views of the same cache, as two instances would have. */
  a: TenantDomainCache;
  b: TenantDomainCache;
  advance(ms: number): Promise<void>;
  localTtlMs: number;
  /** How long a shared entry is trusted (the memory cache: its local TTL). */
  entryTtlMs: number;
  shared: boolean;
}

export function tenantCacheContract(name: string, create: () => Promise<CacheHarness>) {
  it(`${name}: misses, then answers what was set, case- and port-insensitively`, async () => {
    const { a } = await create();
    assert.equal(await a.get('acme.chat.example'), undefined);
    await a.set('ACME.chat.example:443', acme);
    assert.deepEqual(await a.get('acme.chat.example'), acme);
    await a.set('nope.chat.example', null);
    assert.equal(await a.get('nope.chat.example'), null, 'negative answers are cached too');
  });

  it(`${name}: "no such tenant" stays in the process that learnt it`, async () => {
    const h = await create();
    await h.a.set('random-1234.chat.example', null);
    if (h.shared)
      assert.equal(await h.b.get('random-1234.chat.example'), undefined, 'b asks the catalog itself');
  });

  it(`${name}: a shared entry past its TTL is not served, however busy the cache is`, async () => {
    const h = await create();
    await h.a.set('old.example', acme);
    // Other hosts keep being written meanwhile (that must not keep old entries alive).
    for (let i = 0; i < 5; i++) {
      await h.advance(h.entryTtlMs / 5);
      await h.a.set(`busy-${i}.example`, acme);
    }
    await h.advance(h.localTtlMs + 1);
    assert.equal(await h.b.get('old.example'), undefined);
  });

  it(`${name}: invalidate forgets a host (on every instance when shared)`, async () => {
    const h = await create();
    await h.a.set('team.example.org', acme);
    if (h.shared) assert.deepEqual(await h.b.get('team.example.org'), acme, 'b reads what a set');
    await h.a.invalidate('team.example.org');
    assert.equal(await h.a.get('team.example.org'), undefined);
    if (h.shared) {
      // b had a local copy; the published invalidation must drop it.
      const deadline = Date.now() + 2000;
      while ((await h.b.get('team.example.org')) !== undefined) {
        assert.ok(Date.now() < deadline, 'b still serves the stale tenant');
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });

  it(`${name}: the local copy expires after its TTL`, async () => {
    const h = await create();
    await h.a.set('short.example', acme);
    await h.advance(h.localTtlMs + 1);
    const after = await h.a.get('short.example');
    if (h.shared) assert.deepEqual(after, acme, 'refetched from the shared layer');
    else assert.equal(after, undefined);
  });
}
