import pg from 'pg';
import { PG_TYPES } from './pool.ts';

/**
 * Runs fn on a direct (non-pooled) connection of its own and closes it after: migrations,
 * session advisory locks and long DDL, which must not go through PgBouncer's transaction mode.
 */
export async function withDirectClient<T>(
  directUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: directUrl, types: PG_TYPES });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A direct connection of the caller's own (closed by the caller): long operations such as a tenant move. */
export async function openDirectClient(directUrl: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: directUrl,
    types: PG_TYPES,
    application_name: applicationName,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Runs fn while holding a session advisory lock, or returns `{ acquired: false }` at once when
 * another session holds it. The lock dies with the connection, so a crashed holder never
 * leaves it behind.
 */
export function withTryLock<T>(
  directUrl: string,
  key: string,
  fn: () => Promise<T>,
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  return withDirectClient(directUrl, async (client) => {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      key,
    ]);
    if (!rows[0]?.ok) return { acquired: false };
    try {
      return { acquired: true, value: await fn() };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
    }
  });
}

/** DROP SCHEMA … CASCADE (a schema with many objects takes a while: no pooled query timeout). */
export async function dropSchema(directUrl: string, quotedSchema: string): Promise<void> {
  await withDirectClient(directUrl, (client) =>
    client.query(`DROP SCHEMA IF EXISTS ${quotedSchema} CASCADE`),
  );
}
