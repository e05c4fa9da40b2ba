import { createPool, migrateSchema, type TenantDb, tenantDb } from '@rosterchirp/db';
import { startTestDatabase } from '@rosterchirp/infra';

/** A migrated tenant schema (`public`) on this test file's database, through PgBouncer. */
export async function startTenantDb(): Promise<{ db: TenantDb; close(): Promise<void> }> {
  const pg = await startTestDatabase();
  await migrateSchema(pg.directUrl, 'public');
  const pool = createPool(pg.url, 4, { error: () => undefined });
  return {
    db: tenantDb(pool, 'public'),
    async close() {
      await pool.end();
      await pg.stop();
    },
  };
}
