/**
 * `pnpm tenant:export <slug> <file>` and `pnpm tenant:import <file> [--slug new] [--replace]`:
 * one tenant's data and stored objects as a `.tar.gz`, and back (docs in the README, "Backup
 * and restore"). Reads the same environment as the server. Self-hosted installs have one
 * workspace (schema `public`; its slug is `public`); host mode finds the slug in the catalog
 * and an import becomes a new tenant there. Progress goes to stderr.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '@rosterchirp/config';
import {
  createPool,
  dropSchema,
  quoteSchema,
  schemaForSlug,
  tenantDb,
  withDirectClient,
} from '@rosterchirp/db';
import { PLAN_FEATURES, type Plan, SLUG_PATTERN } from '@rosterchirp/protocol';
import { createSqlTenantCatalog, type TenantCatalog } from '@rosterchirp/store';
import { directDatabaseUrl } from './doctor/doctor-checks.ts';
import { storageFromConfig } from './storage-from-config.ts';
import type { ArchiveManifest } from './tenant-archive/archive-tables.ts';
import { exportTenant } from './tenant-archive/tenant-export.ts';
import { ImportRefused, importTenant } from './tenant-archive/tenant-import.ts';

const USAGE = `usage: tenant-archive export <slug> <file>
       tenant-archive import <file> [--slug <new-slug>] [--replace]`;

const { values, positionals } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  allowPositionals: true,
  options: { slug: { type: 'string' }, replace: { type: 'boolean', default: false } },
});
const say = (line: string) => process.stderr.write(`${line}\n`);

/** Host mode's catalog (`public.tenants`) through its store, on a small pool of its own. */
function openCatalog(directUrl: string) {
  const pool = createPool(directUrl, 2, { error: (o, m) => say(`${m} ${JSON.stringify(o)}`) });
  return { catalog: createSqlTenantCatalog(tenantDb(pool, 'public')), close: () => pool.end() };
}

async function runExport(config: Config, mainUrl: string, slug: string, file: string) {
  let about: { schema: string; name: string; plan: string | null };
  // The tenant's own database cluster (SHARDS); imports land on main.
  let directUrl = mainUrl;
  if (config.host) {
    const { catalog, close } = openCatalog(mainUrl);
    const row = await catalog.bySlug(slug).finally(close);
    if (!row || row.status === 'deleting') throw new ImportRefused(`no tenant "${slug}"`);
    about = row;
    if (row.shard !== 'main') {
      const shard = config.shards[row.shard];
      if (!shard)
        throw new ImportRefused(`tenant "${slug}" is on shard "${row.shard}", which SHARDS does not name`);
      directUrl = shard.directUrl;
    }
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
      storage: storageFromConfig(config),
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
  // Host mode: the new tenant's catalog row, made once the manifest is read, removed again
  // (with its schema) if the import does not finish.
  const host = config.host ? openCatalog(directUrl) : null;
  // (Assigned inside the callback: typed by assertion so the checker does not narrow it to null.)
  let made = null as { slug: string; schema: string } | null;
  try {
    const summary = await importTenant({
      directUrl,
      storage: storageFromConfig(config),
      input: createReadStream(file),
      progress: say,
      target: async (manifest) => {
        if (!host) return workspaceTarget(directUrl);
        made = await newTenantTarget(host.catalog, directUrl, manifest);
        return made.schema;
      },
    });
    if (host && made) await host.catalog.update(made.slug, { status: 'active' });
    say(
      `imported ${summary.manifest.slug} as ${host ? made!.slug : 'the workspace'}: ${summary.tables} tables, ${summary.objects} objects in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (err) {
    if (host && made) {
      const { schema, slug } = made;
      await dropSchema(directUrl, quoteSchema(schema)).catch(() => undefined);
      await host.catalog.remove(slug).catch(() => undefined);
    }
    throw err;
  } finally {
    await host?.close();
  }
}

/** Self-hosted: the one workspace, `public` — only over an empty one unless --replace. */
async function workspaceTarget(directUrl: string): Promise<string> {
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
  return 'public';
}

/** Host mode: a new tenant (the archive's slug or --slug), its catalog row in `provisioning`. */
async function newTenantTarget(
  catalog: TenantCatalog,
  directUrl: string,
  manifest: ArchiveManifest,
): Promise<{ slug: string; schema: string }> {
  const slug = values.slug ?? manifest.slug;
  if (!new RegExp(SLUG_PATTERN).test(slug)) throw new ImportRefused(`"${slug}" is not a valid slug`);
  const taken = () => new ImportRefused(`a tenant "${slug}" exists: choose another with --slug`);
  if (await catalog.bySlug(slug)) throw taken();
  const schema = schemaForSlug(slug);
  const schemaThere = await withDirectClient(directUrl, (c) =>
    c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]),
  );
  if (schemaThere.rowCount) {
    throw new ImportRefused(`schema ${schema} exists (a tenant being deleted?): try again shortly`);
  }
  const plan = manifest.plan !== null && manifest.plan in PLAN_FEATURES ? (manifest.plan as Plan) : 'team';
  const row = await catalog.insert({ slug, name: manifest.name, plan, schema });
  if (!row) throw taken();
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
