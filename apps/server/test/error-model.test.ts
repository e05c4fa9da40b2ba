/**
 * The one mapping from errors to API errors: what a dependency going away looks like (Postgres,
 * PgBouncer, Redis, the network) is UNAVAILABLE with Retry-After, never a 500; anything unknown
 * is a masked INTERNAL; an AppError passes as it is.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@rosterchirp/domain';
import { failureOf } from '../src/plugins/error-model.ts';

const pgError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, severity: 'FATAL' });

describe('error model', () => {
  it('dependencies going away are UNAVAILABLE (retry in a second), not bugs', () => {
    const cases: Array<[string, unknown]> = [
      ['Postgres shutting down', pgError('57P01', 'terminating connection due to administrator command')],
      ['Postgres starting', pgError('57P03', 'the database system is starting up')],
      [
        'PgBouncer login retry after a Postgres restart',
        pgError('08P01', 'server login has been failing, try again later (server_login_retry)'),
      ],
      ['PgBouncer lost its server', pgError('08P01', 'server conn crashed?')],
      ['PgBouncer pool wait', pgError('08P01', 'query_wait_timeout')],
      [
        'connection refused',
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6432'), { code: 'ECONNREFUSED' }),
      ],
      ['pg client cut off', new Error('Connection terminated unexpectedly')],
      ['pool exhausted', new Error('timeout exceeded when trying to connect')],
      [
        'Redis gone',
        Object.assign(new Error('Reached the max retries per request limit'), {
          name: 'MaxRetriesPerRequestError',
        }),
      ],
      ['deadlock', pgError('40P01', 'deadlock detected')],
    ];
    for (const [name, err] of cases) {
      const failure = failureOf(err);
      assert.equal(failure.error.code, 'UNAVAILABLE', name);
      assert.equal(failure.retryAfterSeconds, 1, name);
      assert.equal(failure.severity, 'unavailable', name);
    }
  });

  it('anything else is a masked INTERNAL; an AppError is what it says', () => {
    const bug = failureOf(new TypeError("Cannot read properties of undefined (reading 'id')"));
    assert.deepEqual(bug.error.code, 'INTERNAL');
    assert.doesNotMatch(bug.error.message, /undefined/);
    assert.equal(bug.severity, 'bug');
    assert.equal(
      failureOf(pgError('23505', 'duplicate key value violates unique constraint')).error.code,
      'INTERNAL',
    );
    const known = failureOf(new AppError('NOT_FOUND', 'Event not found'));
    assert.deepEqual(known.error, { code: 'NOT_FOUND', message: 'Event not found' });
    assert.equal(known.severity, 'expected');
    const limited = failureOf(new AppError('RATE_LIMITED', 'Slow down', { retryAfterSeconds: 7 }));
    assert.equal(limited.retryAfterSeconds, 7);
  });
});
