import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { quoteSchema } from './schema-name.ts';

/** One table's fingerprint: its row count and a checksum over every row's text form. */
export interface TableFingerprint {
  rows: number;
  checksum: string;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The schema's ordinary tables, by name. */
export async function schemaTables(client: pg.Client, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => r.name);
}

/**
 * Row count and an order-independent checksum of every table: the sum of a 64-bit hash of each
 * row's text form (`hashtextextended`), so equal on both sides means the same rows whatever
 * their physical order — without sorting (a sorted md5 per row took most of a large move).
 */
export async function schemaFingerprint(
  client: pg.Client,
  schema: string,
): Promise<Record<string, TableFingerprint>> {
  const out: Record<string, TableFingerprint> = {};
  for (const table of await schemaTables(client, schema)) {
    const { rows } = await client.query<{ n: number; sum: string | null }>(
      `SELECT count(*)::int AS n, coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text AS sum
       FROM ${quoteSchema(schema)}.${ident(table)} t`,
    );
    out[table] = { rows: rows[0]!.n, checksum: rows[0]!.sum ?? '0' };
  }
  return out;
}

/**
 * Copies every row of `schema` from `source` into the same, freshly migrated (empty but for
 * seed rows) schema on `target`, in binary COPY, and sets each sequence to the source's value.
 * `target` must be inside a transaction: triggers and foreign keys are off for it
 * (session_replication_role = replica, needs a role allowed to set it), so rows land as they
 * are, in any table order. Returns the rows copied.
 */
export async function copySchemaRows(source: pg.Client, target: pg.Client, schema: string): Promise<number> {
  const s = quoteSchema(schema);
  const tables = await schemaTables(source, schema);
  await target.query('SET LOCAL session_replication_role = replica');
  if (tables.length) await target.query(`TRUNCATE ${tables.map((t) => `${s}.${ident(t)}`).join(', ')}`);
  let copied = 0;
  for (const table of tables) {
    const { rows: cols } = await source.query<{ name: string }>(
      `SELECT a.attname AS name FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
         AND a.attgenerated = ''
       ORDER BY a.attnum`,
      [schema, table],
    );
    const columns = cols.map((c) => ident(c.name)).join(', ');
    const into = target.query(copyFrom(`COPY ${s}.${ident(table)} (${columns}) FROM STDIN (FORMAT binary)`));
    const out = source.query(copyTo(`COPY ${s}.${ident(table)} (${columns}) TO STDOUT (FORMAT binary)`));
    await pipeline(out, into);
    copied += into.rowCount ?? 0;
  }
  const { rows: sequences } = await source.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind = 'S'`,
    [schema],
  );
  for (const { name } of sequences) {
    const { rows } = await source.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value, is_called FROM ${s}.${ident(name)}`,
    );
    await target.query('SELECT setval($1::regclass, $2, $3)', [
      `${s}.${ident(name)}`,
      rows[0]!.last_value,
      rows[0]!.is_called,
    ]);
  }
  return copied;
}
