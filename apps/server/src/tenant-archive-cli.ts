/**
 * `pnpm tenant:export <slug> <file>` and `pnpm tenant:import <file> [--slug new] [--replace]`:
 * one tenant's data and stored objects as a `.tar.gz`, and back (docs in the README, "Backup
 * and restore"). Reads the same environment as the server. Self-hosted installs have one
 * workspace (schema `public`; its slug is `public`); host mode finds the slug in the catalog
 * and an import becomes a new tenant there. Progress goes to stderr.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '@rosterchirp/config';
import { quoteSchema, schemaForSlug, withDirectClient } from '@rosterchirp/db';
import { LocalDiskStorage, type ObjectStorage, S3Storage } from '@rosterchirp/storage';
import { directDatabaseUrl } from './doctor/doctor-checks.ts';
import type { ArchiveManifest } from './tenant-archive/archive-tables.ts';
import { exportTenant } from './tenant-archive/tenant-export.ts';
import { ImportRefused, importTenant } from './tenant-archive/tenant-import.ts';

const USAGE = `usage: tenant-archive export <slug> <file>
       tenant-archive import <file> [--slug <new-slug>] [--replace]`;
const SLUG = /^[a-z][a-z0-9-]{1,30}$/;

const { values, positionals } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  allowPositionals: true,
  options: { slug: { type: 'string' }, replace: { type: 'boolean', default: false } },
});
const say = (line: string) => process.stderr.write(`${line}\n`);

const storageOf = (config: Config): ObjectStorage =>
  config.s3 ? new S3Storage(config.s3) : new LocalDiskStorage(join(config.dataDir, 'uploads'));

interface CatalogRow {
  schema: string;
  name: string;
  plan: string | null;
}

async function catalogRow(directUrl: string, slug: string): Promise<CatalogRow | null> {
  return withDirectClient(directUrl, async (c) => {
    const { rows } = await c.query<CatalogRow>(
      `SELECT schema_name AS schema, name, plan FROM public.tenants WHERE slug = $1 AND status <> 'deleting'`,
      [slug],
    );
    return rows[0] ?? null;
  });
}

async function runExport(config: Config, directUrl: string, slug: string, file: string) {
  let about: { schema: string; name: string; plan: string | null };
  if (config.host) {
    const row = await catalogRow(directUrl, slug);
    if (!row) throw new ImportRefused(`no tenant "${slug}"`);
    about = row;
  } else {
    if (slug !== 'public')
      throw new ImportRefused('a self-hosted install has one workspace: export "public"');
    about = { schema: 'public', name: 'public', plan: null };
  }
  // Written beside the target and renamed at the end: a failed export leaves no half file.
  const partial = `${file}.partial`;
  const started = performance.now();
  try {
    const summary = await exportTenant({
      directUrl,
      schema: about.schema,
      storage: storageOf(config),
      about: { slug, name: about.name, plan: about.plan },
      out: createWriteStream(partial),
      progress: say,
    });
    await rename(partial, file);
    say(
      `exported ${summary.tables} tables (${summary.rows.toLocaleString('en')} rows) and ${summary.objects} objects (${(summary.objectBytes / 1e6).toFixed(1)} MB) to ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

async function runImport(config: Config, directUrl: string, file: string) {
  const started = performance.now();
  let target: { slug: string; schema: string } | null = null;
  let made = false;
  try {
    const summary = await importTenant({
      directUrl,
      storage: storageOf(config),
      input: createReadStream(file),
      progress: say,
      get schema() {
        return target!.schema;
      },
      beforeWrite: async (manifest: ArchiveManifest) => {
        target = await prepareTarget(config, directUrl, manifest);
        made = config.host !== undefined;
      },
    });
    if (config.host) {
      await withDirectClient(directUrl, (c) =>
        c.query(`UPDATE public.tenants SET status = 'active', updated_at = now() WHERE slug = $1`, [
          target!.slug,
        ]),
      );
    }
    say(
      `imported ${summary.manifest.slug} as ${target!.slug}: ${summary.tables} tables, ${summary.objects} objects in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (err) {
    // A new tenant that did not finish is removed again (its schema, its catalog row).
    if (made && target) {
      const { schema, slug } = target;
      await withDirectClient(directUrl, async (c) => {
        await c.query(`DROP SCHEMA IF EXISTS ${quoteSchema(schema)} CASCADE`);
        await c.query('DELETE FROM public.tenants WHERE slug = $1', [slug]);
      }).catch(() => undefined);
    }
    throw err;
  }
}

/** Where the archive goes: a new tenant (host mode) or `public` (self-host; --replace to overwrite). */
async function prepareTarget(
  config: Config,
  directUrl: string,
  manifest: ArchiveManifest,
): Promise<{ slug: string; schema: string }> {
  if (!config.host) {
    const people = await withDirectClient(directUrl, async (c) => {
      const exists = await c.query(`SELECT to_regclass('public.users') AS t`);
      if (!exists.rows[0]?.t) return 0;
      return (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM public.users')).rows[0]!.n;
    });
    if (people > 0 && !values.replace) {
      throw new ImportRefused(
        `this database already holds a workspace (${people} people): add --replace to overwrite it, or import into an empty database`,
      );
    }
    return { slug: 'public', schema: 'public' };
  }
  const slug = values.slug ?? manifest.slug;
  if (!SLUG.test(slug)) throw new ImportRefused(`"${slug}" is not a valid slug`);
  const schema = schemaForSlug(slug);
  await withDirectClient(directUrl, async (c) => {
    const taken = await c.query('SELECT 1 FROM public.tenants WHERE slug = $1', [slug]);
    if (taken.rowCount) throw new ImportRefused(`a tenant "${slug}" exists: choose another with --slug`);
    const schemaThere = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (schemaThere.rowCount)
      throw new ImportRefused(`schema ${schema} exists (a tenant being deleted?): try again shortly`);
    await c.query(
      `INSERT INTO public.tenants (slug, name, plan, schema_name, status) VALUES ($1, $2, $3, $4, 'provisioning')`,
      [slug, manifest.name, manifest.plan ?? 'team', schema],
    );
  });
  return { slug, schema };
}

async function main(): Promise<number> {
  const [command, ...args] = positionals;
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      say(`configuration: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const directUrl = await directDatabaseUrl(config);
  if (!directUrl) {
    say('no database: set DATABASE_URL (or start the server once so its embedded Postgres runs)');
    return 2;
  }
  if (command === 'export' && args.length === 2) await runExport(config, directUrl, args[0]!, args[1]!);
  else if (command === 'import' && args.length === 1) await runImport(config, directUrl, args[0]!);
  else {
    say(USAGE);
    return 2;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ImportRefused) {
      say(`refused: ${err.message}`);
      process.exit(1);
    }
    say(`failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(2);
  },
);
