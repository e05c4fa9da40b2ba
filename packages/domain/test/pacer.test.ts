import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPacer } from '../src/notifications/pacer.ts';

describe('pacer', () => {
  it('spaces starts evenly at the rate, shared by every caller', async () => {
    const pacer = createPacer(100); // one start per 10 ms
    const started: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let i = 0; i < 5; i++) {
          await pacer.take();
          started.push(performance.now() - t0);
        }
      }),
    );
    assert.equal(started.length, 15);
    // 15 starts at 100/s take at least 140 ms, whoever asked.
    assert.ok(started.at(-1)! >= 135, `last start after ${started.at(-1)} ms`);
  });
});
