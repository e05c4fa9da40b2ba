import pg from 'pg';

/**
 * Runs fn while holding a session advisory lock on a direct (non-pooled) connection, or
 * returns `{ acquired: false }` at once when another session holds it. The lock dies with the
 * connection, so a crashed holder never leaves it behind. Never use through PgBouncer.
 */
export async function withTryLock<T>(
  directUrl: string,
  key: string,
  fn: () => Promise<T>,
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  const client = new pg.Client({ connectionString: directUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      key,
    ]);
    if (!rows[0]?.ok) return { acquired: false };
    try {
      return { acquired: true, value: await fn() };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** DROP SCHEMA … CASCADE on a direct connection (a schema with many objects takes a while). */
export async function dropSchema(directUrl: string, quotedSchema: string): Promise<void> {
  const client = new pg.Client({ connectionString: directUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quotedSchema} CASCADE`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
