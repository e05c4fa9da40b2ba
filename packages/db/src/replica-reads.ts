import type pg from 'pg';
import type { Queryable, Row } from './tenant-db.ts';

/** Whether a server is a standby, and how far behind its replay is (ms; null: unknown). */
export interface ReplicaState {
  standby: boolean;
  lagMs: number | null;
}

/**
 * Lag as Postgres' monitoring docs measure it: everything received already replayed → 0;
 * otherwise the age of the last replayed transaction — unknown (null) when it is behind and has
 * replayed none since it started. (Used by the router and by doctor.)
 */
export async function replicaState(replica: Queryable): Promise<ReplicaState> {
  const { rows } = await replica.query<{ lag_ms: number | null; standby: boolean }>(
    `SELECT pg_is_in_recovery() AS standby,
            CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                 ELSE (EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8
            END AS lag_ms`,
  );
  return { standby: rows[0]!.standby, lagMs: rows[0]!.lag_ms };
}

export interface ReplicaReadsOptions {
  /** A replica further behind than this (ms) serves nothing until it catches up. */
  maxLagMs: number;
  /** How often the replica's lag is measured (ms). */
  checkEveryMs?: number;
  log?: { warn(obj: object, msg: string): void };
}

/** Which pool answered reads: the replica, the primary by choice, the primary after a replica failure. */
export interface ReadCounts {
  replica: number;
  primary: number;
  fallback: number;
}

/**
 * Reads that may be answered by a streaming replica (docs/CLUSTER.md phase 3). A read goes to
 * the replica while it is reachable and at most `maxLagMs` behind, else to the primary; a read
 * the replica fails for any reason but the statement itself (connection lost, server shutting
 * down, a conflict with recovery) is answered by the primary instead, and the replica is skipped
 * until its next lag check succeeds. Writes, transactions and reads that must see the caller's
 * own writes never come here.
 */
export class ReplicaReads {
  private lagMs: number | null = null;
  private usable = false;
  private timer: NodeJS.Timeout | undefined;
  readonly counts: ReadCounts = { replica: 0, primary: 0, fallback: 0 };

  constructor(
    private readonly primary: pg.Pool,
    private readonly replica: pg.Pool,
    private readonly opts: ReplicaReadsOptions,
  ) {}

  /** Measures the lag now and then every `checkEveryMs`. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.opts.checkEveryMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The replica's replay lag (ms) at the last check; null while it cannot be reached. */
  get lag(): number | null {
    return this.lagMs;
  }

  /** Whether reads go to the replica now. */
  get inUse(): boolean {
    return this.usable;
  }

  async query<R extends Row>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    if (!this.usable) {
      this.counts.primary++;
      return this.primary.query<R>(text, params);
    }
    try {
      const result = await this.replica.query<R>(text, params);
      this.counts.replica++;
      return result;
    } catch (err) {
      if (isStatementError(err)) throw err;
      if (this.usable)
        this.opts.log?.warn({ err: (err as Error).message }, 'replica read failed; reading from the primary');
      this.usable = false;
      this.counts.fallback++;
      return this.primary.query<R>(text, params);
    }
  }

  /** Measures the lag; a replica too far behind, not a standby or unreachable serves nothing. */
  private async check(): Promise<void> {
    try {
      const { standby, lagMs } = await replicaState(this.replica);
      this.lagMs = lagMs;
      const usable = standby && lagMs !== null && lagMs <= this.opts.maxLagMs;
      if (usable !== this.usable && !usable) {
        this.opts.log?.warn({ lagMs, standby }, 'replica not used: too far behind or not a standby');
      }
      this.usable = usable;
    } catch {
      this.lagMs = null;
      this.usable = false;
    }
  }
}

/** SQLSTATE classes of errors in the statement or its data: the primary would refuse it too. */
const STATEMENT_CLASSES = new Set(['22', '23', '42', '2B', '0A']);

function isStatementError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.length === 5 && STATEMENT_CLASSES.has(code.slice(0, 2));
}
