import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyedWriteBatcher } from '../src/write-batcher.ts';

/** A write whose batches we see, finishing when the test says so. */
function recordingWrite() {
  const batches: Array<{ key: string; items: number[] }> = [];
  const finishers: Array<() => void> = [];
  const write = (key: string, items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ key, items });
      finishers.push(() => {
        if (items.includes(13) && items.length > 1) reject(new Error('a bad item in the batch'));
        else if (items.includes(13)) reject(new Error('13 is refused'));
        else resolve(items.map((i) => `${key}:${i}`));
      });
    });
  const finishAll = async () => {
    while (finishers.length > 0) {
      finishers.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { batches, write, finishAll };
}

describe('keyedWriteBatcher (group commit)', () => {
  it('writes an idle key at once and batches what arrives while it is busy, per key, in order', async () => {
    const { batches, write, finishAll } = recordingWrite();
    const send = keyedWriteBatcher(write, { maxBatch: 3 });
    const answers = [
      send('a', 'a', 1),
      send('a', 'a', 2),
      send('b', 'b', 1),
      send('a', 'a', 3),
      send('a', 'a', 4),
      send('a', 'a', 5),
      send('a', 'a', 6),
    ];
    assert.deepEqual(batches, [
      { key: 'a', items: [1] },
      { key: 'b', items: [1] },
    ]);
    await finishAll();
    assert.deepEqual(
      batches.filter((b) => b.key === 'a').map((b) => b.items),
      [[1], [2, 3, 4], [5, 6]],
      'at most maxBatch per write, arrival order kept',
    );
    assert.deepEqual(await Promise.all(answers), ['a:1', 'a:2', 'b:1', 'a:3', 'a:4', 'a:5', 'a:6']);
    // Idle again: the next write goes at once, alone.
    const next = send('a', 'a', 7);
    assert.deepEqual(batches.at(-1), { key: 'a', items: [7] });
    await finishAll();
    assert.equal(await next, 'a:7');
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const { batches, write, finishAll } = recordingWrite();
    const send = keyedWriteBatcher(write, { maxBatch: 10 });
    const first = send('a', 'a', 1);
    const rest = [12, 13, 14].map((i) => send('a', 'a', i).then(String, (err: Error) => err.message));
    await finishAll();
    assert.equal(await first, 'a:1');
    assert.deepEqual(await Promise.all(rest), ['a:12', '13 is refused', 'a:14']);
    assert.deepEqual(
      batches.map((b) => b.items),
      [[1], [12, 13, 14], [12], [13], [14]],
    );
  });

  it('refuses a write that answers the wrong number of results', async () => {
    const send = keyedWriteBatcher(async (_: string, items: number[]) => items.slice(1), { maxBatch: 5 });
    await assert.rejects(send('a', 'a', 1), /answered 0 results for 1 items/);
  });
});
