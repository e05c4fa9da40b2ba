import { migrateSchema, quoteSchema, type ShardMap } from '@rosterchirp/db';
import type { TenantCatalog } from '@rosterchirp/domain';

export interface MigrationProgress {
  done: number;
  total: number;
  schema: string;
  applied: string[];
}

/**
 * Brings every tenant schema up to date, a few at a time. Each schema migrates under its own
 * advisory lock, so this may run beside instances migrating tenants lazily on first use.
 */
export async function migrateAllTenants(opts: {
  shards: ShardMap;
  catalog: TenantCatalog;
  /** The newest tenant migration's version (latestTenantVersion()). */
  latestVersion: number;
  concurrency?: number;
  onProgress?: (p: MigrationProgress) => void;
}): Promise<{ total: number; changed: number; failed: Array<{ schema: string; error: string }> }> {
  const rows = (await opts.catalog.list()).filter((r) => r.status === 'active' || r.status === 'suspended');
  let next = 0;
  let done = 0;
  let changed = 0;
  const failed: Array<{ schema: string; error: string }> = [];
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++]!;
      try {
        // One pooled query tells whether a schema is behind; only then a direct connection and
        // the migration lock (a no-op pass over 1,000 schemas: ~10 s → ~1 s).
        const shard = opts.shards.get(row.shard);
        const current = await shard.pool
          .query<{ v: number | null }>(
            `SELECT max(version) AS v FROM ${quoteSchema(row.schema)}.schema_migrations`,
          )
          .then((r) => r.rows[0]?.v ?? 0)
          .catch(() => 0);
        const { applied } =
          current >= opts.latestVersion ? { applied: [] } : await migrateSchema(shard.directUrl, row.schema);
        if (applied.length) changed++;
        done++;
        opts.onProgress?.({ done, total: rows.length, schema: row.schema, applied });
      } catch (err) {
        done++;
        failed.push({ schema: row.schema, error: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  return { total: rows.length, changed, failed };
}
