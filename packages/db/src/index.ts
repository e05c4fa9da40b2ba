export { createPool, type PoolLogger } from './pool.ts';
export { tenantDb, type TenantDb, type Queryable, type Row } from './tenant-db.ts';
export { migrateSchema, loadTenantMigrations, type Migration, type MigrateResult } from './migrate.ts';
export { assertSchemaName, quoteSchema, schemaForSlug } from './schema-name.ts';
export { startEmbeddedPostgres, freePort, type EmbeddedPostgresHandle, type EmbeddedOptions } from './embedded-postgres.ts';
export type { Pool } from 'pg';
