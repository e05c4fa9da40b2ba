import { quoteSchema } from '@rosterchirp/db';
import type pg from 'pg';

/** What an archive holds first: where it came from and what its tables look like. */
export interface ArchiveManifest {
  format: 'rosterchirp-tenant';
  formatVersion: 1;
  /** The tenant schema's migration when exported: the import builds exactly that, then migrates on. */
  migration: number;
  slug: string;
  name: string;
  plan: string | null;
  /** The schema it came from: stored object keys start with it. */
  sourceSchema: string;
  exportedAt: string;
  tables: ArchiveTable[];
}

export interface ArchiveTable {
  name: string;
  /** Stored columns in order (generated ones are computed again on import). */
  columns: string[];
}

export const MANIFEST_ENTRY = 'manifest.json';
export const tableEntry = (index: number, name: string) =>
  `tables/${String(index).padStart(3, '0')}-${name}.copy`;
export const OBJECT_PREFIX = 'objects/';

/** Tables that describe the schema, not the tenant's data. */
const NOT_DATA = new Set(['schema_migrations']);

/**
 * The tenant's data tables, each after every table it references (so COPY into them never
 * meets a missing row), with their stored columns. A cycle of references would need deferred
 * constraints; the schema has none, and this refuses rather than guess.
 */
export async function dataTables(client: pg.ClientBase, schema: string): Promise<ArchiveTable[]> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  const { rows: refs } = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = $1 AND c.conrelid <> c.confrelid`,
    [schema],
  );
  const { rows: columns } = await client.query<{ table: string; column: string }>(
    `SELECT table_name AS table, column_name AS column FROM information_schema.columns
      WHERE table_schema = $1 AND is_generated = 'NEVER' ORDER BY table_name, ordinal_position`,
    [schema],
  );
  const bare = (qualified: string) => qualified.replace(/^.*\./, '').replace(/"/g, '');
  const parents = new Map<string, Set<string>>();
  for (const { child, parent } of refs) {
    const set = parents.get(bare(child)) ?? new Set<string>();
    set.add(bare(parent));
    parents.set(bare(child), set);
  }
  const names = tables.map((t) => t.name).filter((n) => !NOT_DATA.has(n));
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting')
      throw new Error(`tables reference each other in a cycle: ${[...path, name].join(' → ')}`);
    state.set(name, 'visiting');
    for (const parent of parents.get(name) ?? []) if (names.includes(parent)) visit(parent, [...path, name]);
    state.set(name, 'done');
    ordered.push(name);
  };
  for (const name of names) visit(name, []);
  return ordered.map((name) => ({
    name,
    columns: columns.filter((c) => c.table === name).map((c) => c.column),
  }));
}

export const qualified = (schema: string, table: string) => `${quoteSchema(schema)}."${table}"`;
export const columnList = (columns: string[]) => columns.map((c) => `"${c}"`).join(', ');
