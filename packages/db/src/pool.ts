import pg from 'pg';

export interface PoolLogger {
  error(obj: object, msg: string): void;
}

// Postgres BIGINT (int8) and COUNT come back as strings by default; ids here stay below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/**
 * A pg pool safe for PgBouncer transaction mode: no named statements, no session state.
 * Every pool gets an error listener so a restarted server never crashes the process.
 */
export function createPool(connectionString: string, max: number, log: PoolLogger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    query_timeout: 15_000,
  });
  pool.on('error', (err) => log.error({ err }, 'idle postgres client failed'));
  return pool;
}
