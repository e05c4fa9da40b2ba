import {
  type JobHandler,
  type JobQueue,
  type JobRequest,
  type QueueDefinition,
  type QueueStats,
  RetryLater,
} from '@rosterchirp/protocol';

interface MemoryJob {
  queue: string;
  data: unknown;
  attempt: number;
  notBefore: number;
  state: 'queued' | 'active' | 'completed' | 'failed';
}

/**
 * The job queue in one process, for domain tests and tools: same contract as the Postgres queue
 * (keys, retries with backoff, RetryLater), nothing durable. `timeScale` shrinks every delay.
 */
export class MemoryQueue implements JobQueue {
  private readonly definitions = new Map<string, QueueDefinition>();
  private readonly jobs: MemoryJob[] = [];
  private readonly keys = new Set<string>();
  private readonly workers = new Map<
    string,
    { concurrency: number; handler: JobHandler<unknown>; running: number }
  >();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly timeScale = 1) {}

  async define(queues: readonly QueueDefinition[]): Promise<void> {
    for (const q of queues) this.definitions.set(q.name, q);
  }

  async send(requests: readonly JobRequest[]): Promise<void> {
    for (const r of requests) {
      if (!this.definitions.has(r.queue)) throw new Error(`Queue ${r.queue} is not defined`);
      if (r.key !== undefined) {
        if (this.keys.has(`${r.queue}|${r.key}`)) continue;
        this.keys.add(`${r.queue}|${r.key}`);
      }
      this.jobs.push({
        queue: r.queue,
        data: r.data,
        attempt: 0,
        notBefore: Date.now() + (r.startAfterSeconds ?? 0) * 1000 * this.timeScale,
        state: 'queued',
      });
    }
    this.pump();
  }

  async work<T>(queue: string, concurrency: number, handler: JobHandler<T>): Promise<void> {
    this.workers.set(queue, { concurrency, handler: handler as JobHandler<unknown>, running: 0 });
    this.pump();
  }

  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    for (const job of this.jobs) {
      if (job.state !== 'queued' || job.notBefore > now) continue;
      const worker = this.workers.get(job.queue);
      if (!worker || worker.running >= worker.concurrency) continue;
      worker.running++;
      job.state = 'active';
      void this.run(job, worker);
    }
    const next = this.jobs.filter((j) => j.state === 'queued').map((j) => j.notBefore);
    clearTimeout(this.timer);
    if (next.length) this.timer = setTimeout(() => this.pump(), Math.max(5, Math.min(...next) - now));
  }

  private async run(
    job: MemoryJob,
    worker: { handler: JobHandler<unknown>; running: number },
  ): Promise<void> {
    const definition = this.definitions.get(job.queue)!;
    try {
      await worker.handler(job.data, { attempt: job.attempt });
      job.state = 'completed';
    } catch (err) {
      if (job.attempt >= definition.retryLimit) {
        job.state = 'failed';
      } else {
        const delaySeconds =
          err instanceof RetryLater ? err.seconds : definition.retryDelaySeconds * 2 ** job.attempt;
        job.attempt++;
        job.notBefore = Date.now() + delaySeconds * 1000 * this.timeScale;
        job.state = 'queued';
      }
    } finally {
      worker.running--;
      this.pump();
    }
  }

  async stats(): Promise<QueueStats[]> {
    return [...this.definitions.keys()].sort().map((queue) => {
      const mine = this.jobs.filter((j) => j.queue === queue);
      const count = (state: MemoryJob['state']) => mine.filter((j) => j.state === state).length;
      return {
        queue,
        queued: count('queued'),
        active: count('active'),
        failed: count('failed'),
      };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    while (this.jobs.some((j) => j.state === 'active')) await new Promise((r) => setTimeout(r, 10));
  }
}
