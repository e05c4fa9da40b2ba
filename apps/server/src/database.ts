import { join } from 'node:path';
import type { Config } from '@rosterchirp/config';
import { createPool, type Pool, startEmbeddedPostgres } from '@rosterchirp/db';
import type { Logger } from 'pino';

export interface Database {
  pool: Pool;
  /** Direct connection string for migrations and session advisory locks. */
  directUrl: string;
  close(): Promise<void>;
}

/** DATABASE_URL when set; otherwise real Postgres embedded under DATA_DIR/pg. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  if (config.databaseUrl) {
    const pool = createPool(config.databaseUrl, config.databasePoolSize, log);
    return { pool, directUrl: config.databaseDirectUrl ?? config.databaseUrl, close: () => pool.end() };
  }
  const pgLog = log.child({ component: 'embedded-postgres' });
  const embedded = await startEmbeddedPostgres({
    dir: join(config.dataDir, 'pg'),
    persistent: true,
    log: (line) => pgLog.debug(line.trim()),
  });
  log.info({ port: embedded.port }, 'embedded postgres started');
  const pool = createPool(embedded.url, config.databasePoolSize, log);
  return {
    pool,
    directUrl: embedded.url,
    async close() {
      await pool.end();
      await embedded.stop();
    },
  };
}
