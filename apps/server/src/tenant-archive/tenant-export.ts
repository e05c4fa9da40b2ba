import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { quoteSchema, withDirectClient } from '@rosterchirp/db';
import type { ObjectStorage } from '@rosterchirp/storage';
import { to as copyTo } from 'pg-copy-streams';
import tar from 'tar-stream';
import {
  type ArchiveManifest,
  columnList,
  dataTables,
  MANIFEST_ENTRY,
  OBJECT_PREFIX,
  qualified,
  tableEntry,
} from './archive-tables.ts';

export interface ExportSummary {
  tables: number;
  rows: number;
  objects: number;
  objectBytes: number;
}

/**
 * A tenant as one `.tar.gz`: `manifest.json`, then each data table as Postgres COPY text (in
 * reference order, read in one repeatable-read snapshot so the tables agree with each other),
 * then every stored object under `objects/` (keys without the schema, content type in a PAX
 * header). Everything streams: a table goes through a temporary file only because a tar entry
 * must state its size first; objects go straight from storage into the archive.
 */
export async function exportTenant(opts: {
  directUrl: string;
  schema: string;
  storage: ObjectStorage;
  about: Pick<ArchiveManifest, 'slug' | 'name' | 'plan'>;
  out: NodeJS.WritableStream;
  progress: (line: string) => void;
}): Promise<ExportSummary> {
  const summary: ExportSummary = { tables: 0, rows: 0, objects: 0, objectBytes: 0 };
  const pack = tar.pack();
  const written = pipeline(pack, createGzip(), opts.out);
  const scratch = await mkdtemp(join(tmpdir(), 'rc-export-'));
  // tar-stream's entries are streamx streams: fed by hand, waiting whenever one is full.
  const add = async (
    header: Partial<tar.Header> & { name: string },
    body: AsyncIterable<Buffer> | Buffer,
  ) => {
    if (Buffer.isBuffer(body)) {
      await new Promise<void>((resolve, reject) =>
        pack.entry(header as tar.Header, body, (err) => (err ? reject(err) : resolve())),
      );
      return;
    }
    let settle: (err?: Error | null) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      settle = (err) => (err ? reject(err) : resolve());
    });
    const entry = pack.entry(header as tar.Header, (err) => settle(err));
    for await (const chunk of body) {
      if (!entry.write(chunk)) await new Promise<void>((resolve) => entry.once('drain', () => resolve()));
    }
    entry.end(undefined as never);
    await done;
  };
  try {
    await withDirectClient(opts.directUrl, async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const version = await client.query<{ v: number }>(
        `SELECT coalesce(max(version), 0)::int AS v FROM ${quoteSchema(opts.schema)}.schema_migrations`,
      );
      const tables = await dataTables(client, opts.schema);
      const manifest: ArchiveManifest = {
        format: 'rosterchirp-tenant',
        formatVersion: 1,
        migration: version.rows[0]!.v,
        ...opts.about,
        sourceSchema: opts.schema,
        exportedAt: new Date().toISOString(),
        tables,
      };
      opts.progress(`exporting ${opts.about.slug} (schema ${opts.schema}, migration ${manifest.migration})`);
      await add({ name: MANIFEST_ENTRY }, Buffer.from(JSON.stringify(manifest, null, 2)));
      for (const [index, table] of tables.entries()) {
        const file = join(scratch, `${index}.copy`);
        let rows = 0;
        const copy = client.query(
          copyTo(
            `COPY (SELECT ${columnList(table.columns)} FROM ${qualified(opts.schema, table.name)} ORDER BY 1) TO STDOUT`,
          ),
        );
        copy.on('data', (chunk: Buffer) => {
          for (const byte of chunk) if (byte === 10) rows++;
        });
        await pipeline(copy, createWriteStream(file));
        const { size } = await stat(file);
        await add(
          { name: tableEntry(index, table.name), size },
          createReadStream(file) as AsyncIterable<Buffer>,
        );
        await rm(file);
        summary.tables++;
        summary.rows += rows;
        if (rows > 0) opts.progress(`  ${table.name}: ${rows.toLocaleString('en')} rows`);
      }
      await client.query('COMMIT');
    });
    const keys = await opts.storage.list(`${opts.schema}/`);
    for (const key of keys) {
      const object = await opts.storage.get(key);
      if (!object) continue; // deleted since it was listed
      await add(
        {
          name: `${OBJECT_PREFIX}${key.slice(opts.schema.length + 1)}`,
          size: object.size,
          pax: { 'rosterchirp.content-type': object.contentType },
        },
        object.body as AsyncIterable<Buffer>,
      );
      summary.objects++;
      summary.objectBytes += object.size;
      if (summary.objects % 100 === 0 || summary.objects === keys.length) {
        opts.progress(`  objects: ${summary.objects} of ${keys.length}`);
      }
    }
    pack.finalize();
    await written;
    return summary;
  } catch (err) {
    pack.destroy(err as Error);
    await written.catch(() => undefined);
    throw err;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
