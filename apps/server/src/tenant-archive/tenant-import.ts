import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { latestTenantVersion, loadTenantMigrations, migrateSchema, quoteSchema } from '@rosterchirp/db';
import type { ObjectStorage } from '@rosterchirp/storage';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import tar from 'tar-stream';
import {
  type ArchiveManifest,
  columnList,
  MANIFEST_ENTRY,
  OBJECT_PREFIX,
  qualified,
  tableEntry,
} from './archive-tables.ts';

export interface ImportSummary {
  manifest: ArchiveManifest;
  tables: number;
  objects: number;
}

/** Why an import was refused before anything was written. */
export class ImportRefused extends Error {}

/**
 * Reads an archive of exportTenant into `schema`: the schema is built at the archive's
 * migration, emptied, filled by COPY in one transaction (nothing half-imported is ever
 * visible), object keys and sequences put right, then migrated to the latest version. Objects
 * stream into storage under `{schema}/`. `target` sees the manifest first (the CLI
 * checks the target and makes the catalog row there).
 */
export async function importTenant(opts: {
  directUrl: string;
  storage: ObjectStorage;
  input: NodeJS.ReadableStream;
  /** Sees the manifest first and names the schema to fill (the CLI checks and prepares it). */
  target: (manifest: ArchiveManifest) => Promise<string>;
  progress: (line: string) => void;
}): Promise<ImportSummary> {
  const extract = tar.extract();
  const reading = pipeline(opts.input, createGunzip(), extract);
  let manifest: ArchiveManifest | null = null;
  let schema = '';
  let client: pg.Client | null = null;
  let committed = false;
  let tables = 0;
  let objects = 0;
  const release = async () => {
    if (client && !committed) await client.query('ROLLBACK').catch(() => undefined);
    await client?.end().catch(() => undefined);
    client = null;
  };
  try {
    for await (const entry of extract) {
      const name = entry.header.name;
      if (!manifest) {
        if (name !== MANIFEST_ENTRY)
          throw new ImportRefused(`not a RosterChirp tenant archive (first entry ${name})`);
        manifest = JSON.parse((await readAll(Readable.from(entry))).toString('utf8')) as ArchiveManifest;
        await checkManifest(manifest);
        schema = await opts.target(manifest);
        client = await openAtVersion(opts.directUrl, schema, manifest);
        opts.progress(
          `importing ${manifest.slug} (exported ${manifest.exportedAt}, migration ${manifest.migration}) into ${schema}`,
        );
        continue;
      }
      if (name.startsWith('tables/')) {
        const table = manifest.tables[tables];
        if (!table || name !== tableEntry(tables, table.name))
          throw new ImportRefused(`unexpected entry ${name}`);
        await pipeline(
          Readable.from(entry),
          client!.query(
            copyFrom(`COPY ${qualified(schema, table.name)} (${columnList(table.columns)}) FROM STDIN`),
          ),
        );
        tables++;
        continue;
      }
      if (name.startsWith(OBJECT_PREFIX)) {
        if (!committed) {
          await finishTables(client!, schema, manifest);
          committed = true;
          opts.progress(`  ${tables} tables restored`);
        }
        const pax = (entry.header.pax ?? {}) as Record<string, string>;
        const contentType = pax['rosterchirp.content-type'] ?? 'application/octet-stream';
        await opts.storage.put(
          `${schema}/${name.slice(OBJECT_PREFIX.length)}`,
          Readable.from(entry),
          contentType,
        );
        objects++;
        if (objects % 100 === 0) opts.progress(`  objects: ${objects}`);
        continue;
      }
      throw new ImportRefused(`unexpected entry ${name}`);
    }
    await reading;
    if (!manifest) throw new ImportRefused('the archive is empty');
    if (tables !== manifest.tables.length) {
      throw new ImportRefused(`the archive ends after ${tables} of ${manifest.tables.length} tables`);
    }
    if (!committed) {
      await finishTables(client!, schema, manifest);
      committed = true;
    }
    await release();
    if (objects) opts.progress(`  ${objects} objects restored`);
    const migrated = await migrateSchema(opts.directUrl, schema);
    if (migrated.applied.length) opts.progress(`  migrated on: ${migrated.applied.join(', ')}`);
    return { manifest, tables, objects };
  } catch (err) {
    extract.destroy();
    await reading.catch(() => undefined);
    throw err;
  } finally {
    await release();
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function checkManifest(manifest: ArchiveManifest): Promise<void> {
  if (manifest.format !== 'rosterchirp-tenant' || manifest.formatVersion !== 1) {
    throw new ImportRefused('not a RosterChirp tenant archive of a format this release reads');
  }
  const latest = await latestTenantVersion();
  if (manifest.migration > latest) {
    throw new ImportRefused(
      `the archive comes from a newer release (migration ${manifest.migration}; this one knows up to ${latest}): upgrade first`,
    );
  }
}

/** The schema exactly at the archive's migration, emptied, and a transaction open on it. */
async function openAtVersion(
  directUrl: string,
  schema: string,
  manifest: ArchiveManifest,
): Promise<pg.Client> {
  const migrations = (await loadTenantMigrations()).filter((m) => m.version <= manifest.migration);
  await migrateSchema(directUrl, schema, migrations);
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({ connectionString: directUrl });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('BEGIN');
  const present = await client.query<{ v: number }>(
    `SELECT coalesce(max(version), 0)::int AS v FROM ${quoteSchema(schema)}.schema_migrations`,
  );
  if (present.rows[0]!.v !== manifest.migration) {
    await client.query('ROLLBACK');
    await client.end();
    throw new ImportRefused(
      `schema ${schema} is already at migration ${present.rows[0]!.v}, the archive at ${manifest.migration}: import into a new tenant (--slug) or an empty database`,
    );
  }
  // What migrations seeded (and anything there before, with --replace) makes way for the archive.
  await client.query(
    `TRUNCATE ${manifest.tables.map((t) => qualified(schema, t.name)).join(', ')} RESTART IDENTITY CASCADE`,
  );
  return client;
}

/** Object keys point at the new schema; sequences continue after the imported ids; commit. */
async function finishTables(client: pg.Client, schema: string, manifest: ArchiveManifest): Promise<void> {
  const { rows: textColumns } = await client.query<{ table: string; column: string; type: string }>(
    `SELECT table_name AS table, column_name AS column, data_type AS type FROM information_schema.columns
      WHERE table_schema = $1 AND is_generated = 'NEVER' AND data_type IN ('text', 'character varying', 'jsonb')`,
    [schema],
  );
  if (manifest.sourceSchema !== schema) {
    const from = `${manifest.sourceSchema}/`;
    for (const { table, column, type } of textColumns) {
      if (!manifest.tables.some((t) => t.name === table)) continue;
      const target = `${qualified(schema, table)}`;
      const sql =
        type === 'jsonb'
          ? `UPDATE ${target} SET "${column}" = to_jsonb($2 || substr("${column}" #>> '{}', length($1) + 1))
              WHERE jsonb_typeof("${column}") = 'string' AND starts_with("${column}" #>> '{}', $1)`
          : `UPDATE ${target} SET "${column}" = $2 || substr("${column}", length($1) + 1)
              WHERE starts_with("${column}", $1)`;
      await client.query(sql, [from, `${schema}/`]);
    }
  }
  // Counts kept by triggers are counted again: tables load in foreign-key order, so the count
  // may have been loaded before the rows it counts (and their triggers added them once more).
  if (manifest.tables.some((t) => t.name === 'user_counts')) {
    await client.query(
      `INSERT INTO ${qualified(schema, 'user_counts')} (active)
       SELECT count(*) FROM ${qualified(schema, 'users')} WHERE status = 'active'
       ON CONFLICT (only_row) DO UPDATE SET active = EXCLUDED.active`,
    );
  }
  const { rows: serials } = await client.query<{ table: string; column: string; sequence: string }>(
    `SELECT c.table_name AS table, c.column_name AS column,
            pg_get_serial_sequence(format('%I.%I', c.table_schema, c.table_name), c.column_name) AS sequence
       FROM information_schema.columns c
      WHERE c.table_schema = $1 AND c.column_default LIKE 'nextval(%'`,
    [schema],
  );
  for (const { table, column, sequence } of serials) {
    if (!sequence) continue;
    await client.query(
      `SELECT setval($1, coalesce((SELECT max("${column}") FROM ${qualified(schema, table)}), 0) + 1, false)`,
      [sequence],
    );
  }
  await client.query('COMMIT');
}
