import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createPool, type Pool } from '@rosterchirp/db';
import { startTestDatabase, type TestDatabase } from '@rosterchirp/infra';
import { MemoryQueue } from '../src/job-queue.memory.ts';
import { PgBossQueue } from '../src/job-queue.pgboss.ts';
import { jobQueueContract } from './job-queue.contract.ts';

const quiet = { error: () => undefined };

describe('MemoryQueue', () => {
  jobQueueContract('memory', async () => new MemoryQueue());
});

describe('PgBossQueue (real Postgres through PgBouncer in transaction mode)', () => {
  let db: TestDatabase;
  let pool: Pool;
  before(async () => {
    db = await startTestDatabase();
    pool = createPool(db.url, 6, quiet);
  });
  after(async () => {
    await pool?.end();
    await db?.stop();
  });
  const create = async () =>
    new PgBossQueue(pool, {
      pollingIntervalSeconds: 0.5,
      maintenanceIntervalSeconds: 1,
      onError: (err) => {
        throw err;
      },
    });
  jobQueueContract('pg-boss', create);

  it('pg-boss: instances starting together on a fresh database all define the queues', async () => {
    const fresh = await startTestDatabase();
    const freshPool = createPool(fresh.url, 8, quiet);
    try {
      const queues = Array.from(
        { length: 4 },
        () =>
          new PgBossQueue(freshPool, {
            pollingIntervalSeconds: 1,
            maintenanceIntervalSeconds: 60,
            onError: () => undefined,
          }),
      );
      const definitions = ['a', 'b', 'c'].map((name) => ({
        name,
        retryLimit: 1,
        retryDelaySeconds: 1,
        expireInSeconds: 10,
      }));
      await Promise.all(queues.map((q) => q.define(definitions)));
      const stats = await queues[0]!.stats();
      assert.deepEqual(
        stats.map((s) => s.queue),
        ['a', 'b', 'c'],
      );
      for (const q of queues) await q.stop();
    } finally {
      await freshPool.end();
      await fresh.stop();
    }
  });

  it('pg-boss: a job whose worker process was killed is run again by another after its lease', async () => {
    const q = `lease-${process.pid}`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/hanging-worker.ts', import.meta.url)), db.url, q],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const waitForOutput = async (word: string) => {
      const end = Date.now() + 20_000;
      while (!output.includes(word)) {
        if (Date.now() > end) throw new Error(`the worker never said ${word}`);
        await sleep(20);
      }
    };
    await waitForOutput('ready');
    const survivor = await create();
    await survivor.define([{ name: q, retryLimit: 3, retryDelaySeconds: 1, expireInSeconds: 2 }]);
    await survivor.send([{ queue: q, data: { n: 1 }, key: 'lease-job' }]);
    await waitForOutput('took');
    child.kill('SIGKILL');
    const runs: Array<{ n: number; attempt: number }> = [];
    await survivor.work<{ n: number }>(q, 1, async (data, { attempt }) => {
      runs.push({ n: data.n, attempt });
    });
    const end = Date.now() + 20_000;
    while (runs.length === 0 && Date.now() < end) await sleep(50);
    await sleep(300);
    assert.deepEqual(runs, [{ n: 1, attempt: 1 }]);
    await survivor.stop();
  });
});
