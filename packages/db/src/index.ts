export type { Pool } from 'pg';
export {
  type EmbeddedOptions,
  type EmbeddedPostgresHandle,
  freePort,
  startEmbeddedPostgres,
} from './embedded-postgres.ts';
export { loadTenantMigrations, type MigrateResult, type Migration, migrateSchema } from './migrate.ts';
export { createPool, type PoolLogger } from './pool.ts';
export { assertSchemaName, quoteSchema, schemaForSlug } from './schema-name.ts';
export { type Queryable, type Row, type TenantDb, tenantDb } from './tenant-db.ts';
