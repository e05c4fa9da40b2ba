/**
 * `pnpm tenant:move <slug> <shard>`: moves one tenant to another database cluster (SHARDS) while
 * it stays online — reads go on, writes wait for the read-only window (printed), connected users
 * keep working on the new shard. Reads the same environment as the server (host mode).
 * Exit 0 moved; 2 refused (bad input, unknown tenant or shard, already there, busy); 1 failed
 * (nothing switched: the source is untouched).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@rosterchirp/config';
import { tenantDb } from '@rosterchirp/db';
import { createSqlHostAudit, createSqlTenantCatalog } from '@rosterchirp/store';
import { openDatabase } from './database.ts';
import { createLogger } from './logger.ts';
import { openShards } from './open-shards.ts';
import { MoveError, moveTenant } from './tenant-move.ts';

const USAGE = 'usage: pnpm tenant:move <slug> <shard>';
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const { positionals } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    allowPositionals: true,
    options: {},
  });
  const [slug, shard] = positionals;
  if (!slug || !shard || positionals.length !== 2) {
    say(USAGE);
    return 2;
  }
  const config = loadConfig();
  if (config.appType !== 'host') {
    say('tenant:move needs APP_TYPE=host: a self-hosted workspace is one schema on one database');
    return 2;
  }
  const log = createLogger({ ...config, logLevel: 'warn' });
  const database = await openDatabase(config, log);
  const opened = await openShards(config, database, log, { replicas: false });
  try {
    const publicDb = tenantDb(database.pool, 'public');
    const report = await moveTenant({
      shards: opened.shards,
      catalog: createSqlTenantCatalog(publicDb),
      audit: createSqlHostAudit(publicDb),
      slug,
      to: shard,
      log: say,
    });
    process.stdout.write(
      `moved ${report.slug} (${report.schema}) from ${report.from} to ${report.to}: ${report.tables} tables, ${report.rows} rows; writes waited ${report.readOnlyMs} ms (read-only window), ${report.totalMs} ms in all\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof MoveError) {
      say(`tenant:move: ${err.message}`);
      return err.refused ? 2 : 1;
    }
    throw err;
  } finally {
    await opened.close();
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      say(err.message);
      process.exit(2);
    }
    say(`tenant:move failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
