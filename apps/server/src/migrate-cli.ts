import { ConfigError, loadConfig } from '@rosterchirp/config';
import { latestTenantVersion, migrateHostCatalog, migrateSchema, tenantDb } from '@rosterchirp/db';
import { createSqlTenantCatalog } from '@rosterchirp/store';
import { openDatabase } from './database.ts';
import { createLogger } from './logger.ts';
import { openShards } from './open-shards.ts';
import { migrateAllTenants } from './tenant-migrator.ts';

const USAGE = `Usage: pnpm migrate [--all]
  Migrates schema public (and, with APP_TYPE=host, the tenant catalog).
  --all   then every tenant schema (host mode), printing progress.`;

/** `pnpm migrate [--all]`: the same migrations instances run at start and on first use. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.some((a) => a !== '--all')) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const config = loadConfig();
  const log = createLogger({ ...config, logLevel: 'warn' });
  const database = await openDatabase(config, log);
  try {
    const pub = await migrateSchema(database.directUrl, 'public');
    process.stdout.write(`public: ${pub.applied.length ? pub.applied.join(', ') : 'up to date'}\n`);
    if (config.appType !== 'host') {
      if (args.includes('--all'))
        process.stdout.write('APP_TYPE is selfhost: there are no tenant schemas.\n');
      return;
    }
    const catalog = await migrateHostCatalog(database.directUrl);
    process.stdout.write(
      `tenant catalog: ${catalog.applied.length ? catalog.applied.join(', ') : 'up to date'}\n`,
    );
    if (!args.includes('--all')) return;
    const started = Date.now();
    // Every tenant on its own shard (SHARDS), each under its shard's migration lock.
    const opened = await openShards(config, database, log, { replicas: false });
    const result = await migrateAllTenants({
      latestVersion: await latestTenantVersion(),
      shards: opened.shards,
      catalog: createSqlTenantCatalog(tenantDb(database.pool, 'public')),
      onProgress: (p) => {
        if (p.applied.length || p.done === p.total || p.done % 100 === 0) {
          process.stdout.write(
            `[${p.done}/${p.total}] ${p.schema}: ${p.applied.length ? p.applied.join(', ') : 'up to date'}\n`,
          );
        }
      },
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `${result.total} tenant schemas, ${result.changed} migrated, ${result.failed.length} failed, ${seconds} s\n`,
    );
    await opened.close();
    for (const f of result.failed) process.stderr.write(`FAILED ${f.schema}: ${f.error}\n`);
    if (result.failed.length) process.exitCode = 1;
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`migrate failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
