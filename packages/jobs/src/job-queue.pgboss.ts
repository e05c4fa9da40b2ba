import { keyedWriteBatcher } from '@rosterchirp/db';
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

interface LocalWorker {
  queue: string;
  running: number;
  /** Ends the wait for the next poll (a job was sent here, or a slot freed). */
  wake: () => void;
}

/** The envelope around a job's data: the caller's key and the attempts before this job. */
interface Envelope<T> {
  d: T;
  k?: string;
  a: number;
}

const SCHEMA = 'pgboss';
/**
 * The least time between two fetches of a woken worker (ms): a send wakes its queue's worker,
 * and without a gap a busy queue planned and ran one fetch per job (`pnpm bench:users --statements`).
 */
const FETCH_GAP_MS = 20;
/** deadlock_detected, unique_violation, duplicate_table, duplicate_object, duplicate_schema */
const RACE_CODES = new Set(['40P01', '23505', '42P07', '42710', '42P06']);

/**
 * The job queue on Postgres through pg-boss (works through PgBouncer in transaction mode: single
 * statements, unnamed queries, transaction-scoped advisory locks only). Jobs live in the `pgboss`
 * schema of the platform database, whatever tenant they serve; the tenant is in the data.
 */
export class PgBossQueue implements JobQueue {
  private boss: PgBoss;
  private readonly workers: LocalWorker[] = [];
  private stopping = false;
  private readonly retryLimits = new Map<string, number>();
  private started = false;
  /**
   * Group commit of sends: the jobs of calls made while an insert is in flight go together in
   * the next one (one statement for many sends' jobs under load; at once when idle).
   */
  /** Finished jobs of a queue completed together (one statement for many). */
  private readonly completeBatched = keyedWriteBatcher(
    async (queue: string, ids: string[]) => {
      await this.boss.complete(queue, ids);
      return ids.map(() => undefined);
    },
    { maxBatch: 200 },
  );
  private readonly insertBatched = keyedWriteBatcher(
    async (_: null, calls: Array<readonly JobRequest[]>) => {
      await this.insertNow(calls.flat());
      return calls.map(() => undefined);
    },
    { maxBatch: 200 },
  );

  constructor(
    private readonly sql: SqlExecutor,
    private readonly options: PgBossQueueOptions,
  ) {
    this.boss = this.makeBoss();
  }

  private makeBoss(): PgBoss {
    const boss = new PgBoss({
      db: { executeSql: (text, values) => this.sql.query(text, values) as Promise<{ rows: unknown[] }> },
      schema: SCHEMA,
      supervise: true,
      schedule: false,
      maintenanceIntervalSeconds: this.options.maintenanceIntervalSeconds,
    });
    boss.on('error', (err) => this.options.onError(err));
    return boss;
  }

  async define(queues: readonly QueueDefinition[]): Promise<void> {
    // Instances starting together race to create pg-boss's schema and queue partitions: a
    // deadlock or a duplicate there is retried, and the next pass finds what the other made.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.defineOnce(queues);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt >= 8 || !code || !RACE_CODES.has(code)) throw err;
        // pg-boss does not start twice: a failed start means a fresh instance.
        if (!this.started) this.boss = this.makeBoss();
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400 * attempt));
      }
    }
  }

  private async defineOnce(queues: readonly QueueDefinition[]): Promise<void> {
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
    if (jobs.length > 0) await this.insertBatched('jobs', null, jobs);
  }

  private async insertNow(jobs: readonly JobRequest[]): Promise<void> {
    // Within one batch the first job of a key wins (the database would keep an arbitrary one).
    const seen = new Set<string>();
    const unique = jobs.filter(
      (j) => j.key === undefined || (!seen.has(`${j.queue}|${j.key}`) && seen.add(`${j.queue}|${j.key}`)),
    );
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
    const queues = new Set(unique.filter((j) => !j.startAfterSeconds).map((j) => j.queue));
    for (const worker of this.workers) if (queues.has(worker.queue)) worker.wake();
  }

  /**
   * Our own loop over pg-boss's fetch/complete/fail (not its `work`): a slot that frees fetches
   * the next job at once, and every database call is awaited and its failure reported — during a
   * database outage a job simply stays active until its lease runs out and is run again.
   */
  async work<T>(queue: string, concurrency: number, handler: JobHandler<T>): Promise<void> {
    const worker: LocalWorker = { queue, running: 0, wake: () => undefined };
    this.workers.push(worker);
    const loop = async () => {
      while (!this.stopping) {
        const free = concurrency - worker.running;
        let jobs: PgBoss.JobWithMetadata<Envelope<T>>[] = [];
        if (free > 0) {
          jobs =
            (await this.boss
              .fetch<Envelope<T>>(queue, { batchSize: free, includeMetadata: true })
              .catch((err: Error) => {
                this.options.onError(err);
                return [];
              })) ?? [];
        }
        for (const job of jobs) {
          worker.running++;
          void this.runOne(queue, job, handler).finally(() => {
            worker.running--;
            worker.wake();
          });
        }
        // A full fetch: more may be waiting, so fetch again at once.
        if (free > 0 && jobs.length === free) continue;
        const fetchedAt = Date.now();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, this.options.pollingIntervalSeconds * 1000);
          // Woken by a send or a finished job: no sooner than FETCH_GAP_MS after the last fetch,
          // so a busy queue fetches its jobs in batches instead of one fetch per job.
          function done() {
            clearTimeout(timer);
            worker.wake = () => undefined;
            setTimeout(resolve, Math.max(0, fetchedAt + FETCH_GAP_MS - Date.now()));
          }
          worker.wake = done;
        });
      }
    };
    void loop();
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
      await this.completeBatched(queue, queue, job.id).catch((e: Error) => this.options.onError(e));
    } catch (err) {
      const limit = this.retryLimits.get(queue) ?? job.retryLimit;
      if (err instanceof RetryLater && attempt < limit) {
        // Completes this job and enqueues its continuation for later (pg-boss's own retry delay
        // cannot be set per failure); the continuation's key is derived, so it is made once.
        const next: Envelope<T> = { d: envelope.d, a: attempt + 1, ...(envelope.k ? { k: envelope.k } : {}) };
        await this.boss
          .insert([
            {
              id: keyToUuid(`${envelope.k ?? job.id}#${attempt + 1}`),
              name: queue,
              data: next,
              startAfter: new Date(Date.now() + err.seconds * 1000),
              retryLimit: Math.max(0, limit - attempt - 1),
            },
          ])
          .then(
            () => this.boss.complete(queue, job.id),
            (e: Error) => this.options.onError(e),
          )
          .catch((e: Error) => this.options.onError(e));
        return;
      }
      await this.boss
        .fail(queue, job.id, { message: (err as Error).message })
        .catch((e: Error) => this.options.onError(e));
    }
  }

  async stats(): Promise<QueueStats[]> {
    // Completed jobs (most rows, until archived) are never read: /metrics scrapes this.
    const { rows } = (await this.sql.query(
      `SELECT q.name AS queue,
              count(j.id) FILTER (WHERE j.state IN ('created', 'retry'))::int AS queued,
              count(j.id) FILTER (WHERE j.state = 'active')::int AS active,
              count(j.id) FILTER (WHERE j.state = 'failed')::int AS failed
         FROM ${SCHEMA}.queue q
         LEFT JOIN ${SCHEMA}.job j ON j.name = q.name AND j.state IN ('created', 'retry', 'active', 'failed')
        GROUP BY q.name ORDER BY q.name`,
    )) as { rows: QueueStats[] };
    return rows;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.stopping = true;
    for (const worker of this.workers) worker.wake();
    // Running jobs finish (bounded); what is left is run again by another instance after its lease.
    const end = Date.now() + 10_000;
    while (this.workers.some((w) => w.running > 0) && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.boss.stop({ graceful: false, close: false });
  }
}
