export type { Pool } from 'pg';
export {
  CHANGE_CHANNEL,
  type ChangeListenerOptions,
  type ChangeNotice,
  type ChangeNotices,
  listenForChanges,
} from './change-notices.ts';
export { copySchemaRows, schemaFingerprint, schemaTables, type TableFingerprint } from './copy-schema.ts';
export { dropSchema, openDirectClient, withDirectClient, withTryLock } from './direct-client.ts';
export {
  type EmbeddedOptions,
  type EmbeddedPostgresHandle,
  freePort,
  startEmbeddedPostgres,
} from './embedded-postgres.ts';
export { runningEmbeddedUrl } from './embedded-url.ts';
export {
  latestTenantVersion,
  loadTenantMigrations,
  type MigrateResult,
  type Migration,
  migrateHostCatalog,
  migrateIfBehind,
  migrateSchema,
} from './migrate.ts';
export { createPool, PG_TYPES, type PoolLogger } from './pool.ts';
export {
  type ReadCounts,
  ReplicaReads,
  type ReplicaReadsOptions,
  type ReplicaState,
  replicaState,
} from './replica-reads.ts';
export { routedTenantDb, type ShardRouter } from './routed-tenant-db.ts';
export { assertSchemaName, quoteSchema, schemaForSlug } from './schema-name.ts';
export { DEFAULT_SHARD, type Shard, ShardMap } from './shards.ts';
export { type Queryable, type Row, readsChosenBy, type TenantDb, tenantDb } from './tenant-db.ts';
export { type KeyedWrite, keyedWriteBatcher, type WriteBatcherOptions } from './write-batcher.ts';
