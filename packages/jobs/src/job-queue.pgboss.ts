import {
  type JobHandler,
  type JobQueue,
  type JobRequest,
  type QueueDefinition,
  type QueueStats,
  RetryLater,
} from '@rosterchirp/protocol';
import PgBoss from 'pg-boss';
import { keyToUuid } from './key-to-uuid.ts';

/** What pg-boss needs of a connection pool: our pg pool (through PgBouncer or not) fits. */
export interface SqlExecutor {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface PgBossQueueOptions {
  /** Seconds between polls of an idle worker; a local send wakes local workers at once. */
  pollingIntervalSeconds: number;
  /** Seconds between supervision runs (expired leases handed on, old jobs archived). */
  maintenanceIntervalSeconds: number;
  onError: (err: Error) => void;
}

/** The envelope around a job's data: the caller's key and the attempts before this job. */
interface Envelope<T> {
  d: T;
  k?: string;
  a: number;
}

const SCHEMA = 'pgboss';

/**
 * The job queue on Postgres through pg-boss (works through PgBouncer in transaction mode: single
 * statements, unnamed queries, transaction-scoped advisory locks only). Jobs live in the `pgboss`
 * schema of the platform database, whatever tenant they serve; the tenant is in the data.
 */
export class PgBossQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly workersByQueue = new Map<string, string[]>();
  private readonly retryLimits = new Map<string, number>();
  private started = false;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly options: PgBossQueueOptions,
  ) {
    this.boss = new PgBoss({
      db: { executeSql: (text, values) => sql.query(text, values) as Promise<{ rows: unknown[] }> },
      schema: SCHEMA,
      supervise: true,
      schedule: false,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds,
    });
    this.boss.on('error', (err) => options.onError(err));
  }

  async define(queues: readonly QueueDefinition[]): Promise<void> {
    if (!this.started) {
      await this.boss.start();
      this.started = true;
    }
    for (const q of queues) {
      const options = {
        name: q.name,
        policy: 'standard' as const,
        retryLimit: q.retryLimit,
        retryDelay: q.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: q.expireInSeconds,
      };
      if (await this.boss.getQueue(q.name)) await this.boss.updateQueue(q.name, options);
      else await this.boss.createQueue(q.name, options);
      this.retryLimits.set(q.name, q.retryLimit);
    }
  }

  async send(jobs: readonly JobRequest[]): Promise<void> {
    // Within one call the first job of a key wins (the database would keep an arbitrary one).
    const seen = new Set<string>();
    const unique = jobs.filter((j) => j.key === undefined || (!seen.has(j.key) && seen.add(j.key)));
    if (unique.length === 0) return;
    await this.boss.insert(
      unique.map((job) => ({
        ...(job.key === undefined ? {} : { id: keyToUuid(job.key) }),
        name: job.queue,
        data: {
          d: job.data,
          a: 0,
          ...(job.key === undefined ? {} : { k: job.key }),
        } satisfies Envelope<unknown>,
        ...(job.startAfterSeconds ? { startAfter: new Date(Date.now() + job.startAfterSeconds * 1000) } : {}),
      })),
    );
    for (const queue of new Set(unique.filter((j) => !j.startAfterSeconds).map((j) => j.queue))) {
      for (const id of this.workersByQueue.get(queue) ?? []) this.boss.notifyWorker(id);
    }
  }

  async work<T>(queue: string, concurrency: number, handler: JobHandler<T>): Promise<void> {
    let workerId: string | undefined;
    workerId = await this.boss.work<Envelope<T>>(
      queue,
      {
        batchSize: concurrency,
        includeMetadata: true,
        pollingIntervalSeconds: this.options.pollingIntervalSeconds,
      },
      async (jobs) => {
        await Promise.all(jobs.map((job) => this.runOne(queue, job, handler)));
        // A full batch: there is likely more, so fetch again without waiting for the next poll.
        if (jobs.length === concurrency && workerId) this.boss.notifyWorker(workerId);
      },
    );
    this.workersByQueue.set(queue, [...(this.workersByQueue.get(queue) ?? []), workerId]);
  }

  private async runOne<T>(
    queue: string,
    job: PgBoss.JobWithMetadata<Envelope<T>>,
    handler: JobHandler<T>,
  ): Promise<void> {
    const envelope = job.data;
    const attempt = envelope.a + job.retryCount;
    try {
      await handler(envelope.d, { attempt });
    } catch (err) {
      const limit = this.retryLimits.get(queue) ?? job.retryLimit;
      if (err instanceof RetryLater && attempt < limit) {
        // Completes this job and enqueues its continuation for later (pg-boss's own retry delay
        // cannot be set per failure); the continuation's key is derived, so it is made once.
        const next: Envelope<T> = { d: envelope.d, a: attempt + 1, ...(envelope.k ? { k: envelope.k } : {}) };
        await this.boss.insert([
          {
            id: keyToUuid(`${envelope.k ?? job.id}#${attempt + 1}`),
            name: queue,
            data: next,
            startAfter: new Date(Date.now() + err.seconds * 1000),
            retryLimit: Math.max(0, limit - attempt - 1),
          },
        ]);
        return;
      }
      await this.boss.fail(queue, job.id, { message: (err as Error).message });
    }
  }

  async stats(): Promise<QueueStats[]> {
    const { rows } = (await this.sql.query(
      `SELECT q.name AS queue,
              count(*) FILTER (WHERE j.state IN ('created', 'retry'))::int AS queued,
              count(*) FILTER (WHERE j.state = 'active')::int AS active,
              count(*) FILTER (WHERE j.state = 'failed')::int AS failed,
              count(*) FILTER (WHERE j.state = 'completed')::int AS completed
         FROM ${SCHEMA}.queue q LEFT JOIN ${SCHEMA}.job j ON j.name = q.name
        GROUP BY q.name ORDER BY q.name`,
    )) as { rows: QueueStats[] };
    return rows;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, close: false, timeout: 10_000 });
  }
}
