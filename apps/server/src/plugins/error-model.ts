import { AppError } from '@rosterchirp/domain';
import type { ApiErrorShape } from '@rosterchirp/protocol';

const TRANSIENT_CODES = new Set([
  // A transaction Postgres chose to abort (deadlock, serialization): the retry succeeds.
  '40P01',
  '40001',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  // PgBouncer reports its own troubles as protocol violations: a login to Postgres failing
  // (server_login_retry after a restart), a server connection lost, a pool wait timed out.
  '08P01',
]);

/** Postgres, PgBouncer or Redis going away mid-request, or a transaction Postgres aborted: a 503 to retry, not a 500 bug. */
export function isDependencyDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string; name?: string };
  if (e?.code && TRANSIENT_CODES.has(e.code)) return true;
  if (e?.name === 'MaxRetriesPerRequestError') return true;
  const msg = e?.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|server conn crashed|Connection is closed|query_wait_timeout|no more connections allowed|server login has been failing|cannot connect to server/i.test(
    msg,
  );
}

/**
 * The one mapping from a thrown error to what a client is told, for HTTP and realtime alike: an
 * AppError as it is (with its Retry-After when rate limited), a dependency that went away as
 * UNAVAILABLE (retry in a second), anything else as a masked INTERNAL that must be logged with
 * its stack. HTTP adds its own request errors (validation, body size) on top.
 */
export interface Failure {
  error: ApiErrorShape;
  retryAfterSeconds?: number;
  /** expected: the client's mistake or a rule; unavailable: log a warning; bug: log the error. */
  severity: 'expected' | 'unavailable' | 'bug';
}

const UNAVAILABLE: ApiErrorShape = {
  code: 'UNAVAILABLE',
  message: 'A service we depend on is briefly unavailable; try again',
};
const INTERNAL: ApiErrorShape = {
  code: 'INTERNAL',
  message: 'Something went wrong on our side; it has been logged',
};

export function failureOf(err: unknown): Failure {
  if (err instanceof AppError) {
    const retryAfter = err.details?.retryAfterSeconds;
    return {
      error: err.details
        ? { code: err.code, message: err.message, details: err.details }
        : { code: err.code, message: err.message },
      ...(err.code === 'RATE_LIMITED' && typeof retryAfter === 'number'
        ? { retryAfterSeconds: retryAfter }
        : {}),
      severity: 'expected',
    };
  }
  if (isDependencyDown(err)) return { error: UNAVAILABLE, retryAfterSeconds: 1, severity: 'unavailable' };
  return { error: INTERNAL, severity: 'bug' };
}
