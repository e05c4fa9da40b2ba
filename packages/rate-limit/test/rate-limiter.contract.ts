import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { RateLimiter } from '../src/rate-limiter.ts';

export function rateLimiterContract(
  name: string,
  create: () => Promise<{ limiter: RateLimiter; wait(ms: number): Promise<void> }>,
) {
  it(`${name}: allows up to the limit, then refuses with a retry time within the window`, async () => {
    const { limiter } = await create();
    const rule = { limit: 3, windowMs: 60_000 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limiter.hit('public:ratelimit:test:a', rule));
    assert.deepEqual(
      results.map((r) => r.allowed),
      [true, true, true, false, false],
    );
    assert.deepEqual(
      results.map((r) => r.remaining),
      [2, 1, 0, 0, 0],
    );
    assert.ok(results[3]!.retryAfterMs > 0 && results[3]!.retryAfterMs <= 60_000);
  });

  it(`${name}: keys are independent (tenants and users never share a window)`, async () => {
    const { limiter } = await create();
    const rule = { limit: 1, windowMs: 60_000 };
    assert.equal((await limiter.hit('tenant_a:ratelimit:send:1', rule)).allowed, true);
    assert.equal((await limiter.hit('tenant_b:ratelimit:send:1', rule)).allowed, true);
    assert.equal((await limiter.hit('tenant_a:ratelimit:send:1', rule)).allowed, false);
  });

  it(`${name}: the window resets after it ends, and reset() clears it at once`, async () => {
    const { limiter, wait } = await create();
    const rule = { limit: 1, windowMs: 200 };
    assert.equal((await limiter.hit('public:ratelimit:w', rule)).allowed, true);
    assert.equal((await limiter.hit('public:ratelimit:w', rule)).allowed, false);
    await wait(250);
    assert.equal((await limiter.hit('public:ratelimit:w', rule)).allowed, true);
    assert.equal((await limiter.hit('public:ratelimit:w', rule)).allowed, false);
    await limiter.reset('public:ratelimit:w');
    assert.equal((await limiter.hit('public:ratelimit:w', rule)).allowed, true);
  });
}
