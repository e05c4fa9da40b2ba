import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type JobQueue, type QueueDefinition, RetryLater } from '@rosterchirp/protocol';

/** What every JobQueue promises; the memory and the Postgres queue both run it. */
export function jobQueueContract(name: string, create: () => Promise<JobQueue>) {
  let queueCounter = 0;
  const defineOne = async (queue: JobQueue, extra: Partial<QueueDefinition> = {}) => {
    const definition: QueueDefinition = {
      name: `contract-${process.pid}-${++queueCounter}`,
      retryLimit: 3,
      retryDelaySeconds: 1,
      expireInSeconds: 30,
      ...extra,
    };
    await queue.define([definition]);
    return definition.name;
  };
  const until = async (check: () => boolean, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out');
      await sleep(20);
    }
  };

  it(`${name}: runs every job sent, once, with its data`, async () => {
    const queue = await create();
    try {
      const q = await defineOne(queue);
      const seen: number[] = [];
      await queue.work<{ n: number }>(q, 4, async (data) => {
        seen.push(data.n);
      });
      await queue.send(Array.from({ length: 10 }, (_, n) => ({ queue: q, data: { n } })));
      await until(() => seen.length === 10);
      await sleep(200);
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
    } finally {
      await queue.stop();
    }
  });

  it(`${name}: a key makes a send idempotent`, async () => {
    const queue = await create();
    try {
      const q = await defineOne(queue);
      await queue.send([
        { queue: q, data: { n: 1 }, key: 'message:7' },
        { queue: q, data: { n: 2 }, key: 'message:7' },
      ]);
      await queue.send([{ queue: q, data: { n: 3 }, key: 'message:7' }]);
      await queue.send([{ queue: q, data: { n: 4 }, key: 'message:8' }]);
      // The same key in another queue is another job.
      const other = await defineOne(queue);
      await queue.send([
        { queue: q, data: { n: 5 }, key: 'message:9' },
        { queue: other, data: { n: 6 }, key: 'message:9' },
      ]);
      assert.equal((await queue.stats()).find((s) => s.queue === other)!.queued, 1);
      const stats = (await queue.stats()).find((s) => s.queue === q)!;
      assert.equal(stats.queued, 3);
      const seen: number[] = [];
      await queue.work<{ n: number }>(q, 2, async (data) => {
        seen.push(data.n);
      });
      await until(() => seen.length === 3);
      await sleep(200);
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        [1, 4, 5],
      );
    } finally {
      await queue.stop();
    }
  });

  it(`${name}: a failing job is retried with a rising attempt, then counted as failed`, async () => {
    const queue = await create();
    try {
      const q = await defineOne(queue, { retryLimit: 2, retryDelaySeconds: 1 });
      const attempts: number[] = [];
      await queue.work(q, 1, async (_data, { attempt }) => {
        attempts.push(attempt);
        throw new Error('push service down');
      });
      await queue.send([{ queue: q, data: {} }]);
      await until(() => attempts.length === 3, 20_000);
      await sleep(300);
      assert.deepEqual(attempts, [0, 1, 2]);
      const stats = (await queue.stats()).find((s) => s.queue === q)!;
      assert.equal(stats.failed, 1);
      assert.equal(stats.queued + stats.active, 0);
    } finally {
      await queue.stop();
    }
  });

  it(`${name}: RetryLater brings the job back no sooner than asked`, async () => {
    const queue = await create();
    try {
      const q = await defineOne(queue, { retryLimit: 3, retryDelaySeconds: 1 });
      const runs: Array<{ attempt: number; at: number }> = [];
      await queue.work<{ n: number }>(q, 1, async (data, { attempt }) => {
        assert.equal(data.n, 5);
        runs.push({ attempt, at: Date.now() });
        if (attempt === 0) throw new RetryLater(2, 'HTTP 429, Retry-After: 2');
      });
      await queue.send([{ queue: q, data: { n: 5 }, key: 'later' }]);
      await until(() => runs.length === 2, 20_000);
      assert.equal(runs[1]!.attempt, 1);
      assert.ok(runs[1]!.at - runs[0]!.at >= 1900, `came back after ${runs[1]!.at - runs[0]!.at} ms`);
    } finally {
      await queue.stop();
    }
  });

  it(`${name}: a job sent to start later waits`, async () => {
    const queue = await create();
    try {
      const q = await defineOne(queue);
      let ranAt = 0;
      await queue.work(q, 1, async () => {
        ranAt = Date.now();
      });
      const sentAt = Date.now();
      await queue.send([{ queue: q, data: {}, startAfterSeconds: 2 }]);
      await until(() => ranAt > 0, 20_000);
      assert.ok(ranAt - sentAt >= 1900, `ran after ${ranAt - sentAt} ms`);
    } finally {
      await queue.stop();
    }
  });
}
