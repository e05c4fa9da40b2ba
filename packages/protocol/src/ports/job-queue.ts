/**
 * Durable background work (docs/CLUSTER.md, "Background jobs"): a job outlives the request and
 * the instance that enqueued it. Postgres holds the queue (pg-boss) in every deployment; the
 * in-memory queue serves domain tests. Handlers must be idempotent: a job whose worker died is
 * run again after its lease (`expireInSeconds`) runs out.
 */
export interface JobQueue {
  /** Creates the queues (idempotent) before any send or work. */
  define(queues: readonly QueueDefinition[]): Promise<void>;
  /**
   * Enqueues jobs in one round trip. A job with a `key` is enqueued at most once per key while
   * the queue remembers it (days): a retried enqueue never doubles the work.
   */
  send(jobs: readonly JobRequest[]): Promise<void>;
  /** Runs `handler` for jobs of `queue`, at most `concurrency` at a time on this instance. */
  work<T>(queue: string, concurrency: number, handler: JobHandler<T>): Promise<void>;
  /** Jobs per queue by state, for /metrics. */
  stats(): Promise<QueueStats[]>;
  /** Stops fetching; waits (bounded) for running handlers. */
  stop(): Promise<void>;
}

export interface QueueDefinition {
  name: string;
  /** Retries after a failure (an exception), with exponential backoff from `retryDelaySeconds`. */
  retryLimit: number;
  retryDelaySeconds: number;
  /** A running job whose worker went silent this long is handed to another worker. */
  expireInSeconds: number;
}

export interface JobRequest<T = unknown> {
  queue: string;
  data: T;
  key?: string;
  /** Not before this many seconds from now. */
  startAfterSeconds?: number;
}

export interface JobContext {
  /** 0 on the first run, then 1, 2, … (retries and `RetryLater` continuations). */
  attempt: number;
}

export type JobHandler<T> = (data: T, context: JobContext) => Promise<void>;

export interface QueueStats {
  queue: string;
  queued: number;
  active: number;
  failed: number;
}

/**
 * Thrown by a handler that must come back no sooner than `seconds` from now (a push service's
 * `Retry-After`). Counts as an attempt; past the queue's retry limit the job fails.
 */
export class RetryLater extends Error {
  constructor(
    readonly seconds: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'RetryLater';
  }
}
