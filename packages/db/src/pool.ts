import pg from 'pg';

export interface PoolLogger {
  error(obj: object, msg: string): void;
}

/**
 * Postgres BIGINT (int8) and COUNT come back as strings by default; ids here stay below 2^53, so
 * our clients read them as numbers. Passed to each pool and client (`types`), never set on the
 * process-wide `pg.types`, so other pg users in the process keep pg's defaults.
 */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

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
    types: PG_TYPES,
  });
  pool.on('error', (err) => log.error({ err }, 'idle postgres client failed'));
  return pool;
}
