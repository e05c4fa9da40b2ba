import { migrateIfBehind, type ShardMap } from '@rosterchirp/db';
import type { TenantCatalog } from '@rosterchirp/store';

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
        const { applied } = await migrateIfBehind(opts.shards.get(row.shard), row.schema, opts.latestVersion);
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
