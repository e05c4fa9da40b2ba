import {
  type ChangeNotices,
  DEFAULT_SHARD,
  latestTenantVersion,
  migrateHostCatalog,
  type ShardMap,
  tenantDb,
  withTryLock,
} from '@rosterchirp/db';
import { createSqlHostAudit, createSqlStores, createSqlTenantCatalog } from '@rosterchirp/store';
import type { TenantDomainCache } from '@rosterchirp/tenant-cache';
import type { FastifyBaseLogger } from 'fastify';
import type { HostModeDeps } from './app.ts';
import { createHostResolver } from './host-tenant-resolver.ts';
import { migrateAllTenants } from './tenant-migrator.ts';
import type { TenantResolver } from './tenant-resolver.ts';

export interface HostMode {
  tenants: TenantResolver;
  deps: HostModeDeps;
  /** Brings every tenant schema up to date on one instance at a time; for after listen. */
  migrateInBackground(): Promise<void>;
}

/**
 * APP_TYPE=host, wired once for server.ts and the tests: the tenant catalog migrated, schema
 * public (the operator's workspace) on the Team plan, the Host → tenant resolver over the
 * catalog and the tenant-domain cache, and what buildApp needs for the control plane.
 */
export async function setupHostMode(opts: {
  shards: ShardMap;
  cache: TenantDomainCache;
  domain: string;
  adminKey: string;
  defaultChatName: string;
  log: FastifyBaseLogger;
  /** Postgres change notices (a moved tenant is routed to its new shard at once). */
  changeNotices?: ChangeNotices;
}): Promise<HostMode> {
  const main = opts.shards.get(DEFAULT_SHARD);
  const migrated = await migrateHostCatalog(main.directUrl);
  if (migrated.applied.length) opts.log.info({ applied: migrated.applied }, 'migrated the tenant catalog');
  const publicDb = tenantDb(main.pool, 'public');
  // The operator's own workspace is always on the Team plan.
  await createSqlStores().settings.set(publicDb, 'plan', 'team');
  const latestVersion = await latestTenantVersion();
  const catalog = createSqlTenantCatalog(publicDb);
  const audit = createSqlHostAudit(publicDb);
  return {
    tenants: createHostResolver({
      shards: opts.shards,
      catalog,
      cache: opts.cache,
      hostDomain: opts.domain,
      latestVersion,
      log: opts.log,
      ...(opts.changeNotices ? { changeNotices: opts.changeNotices } : {}),
    }),
    deps: {
      domain: opts.domain,
      adminKey: opts.adminKey,
      shards: opts.shards,
      catalog,
      audit,
      invalidateHost: (host) => opts.cache.invalidate(host),
      defaultChatName: opts.defaultChatName,
    },
    // Tenants migrate lazily on first use; this pass brings the rest up to date after start,
    // on whichever instance takes the try-lock, so no release waits on a serial pass.
    async migrateInBackground() {
      try {
        const run = await withTryLock(main.directUrl, 'rosterchirp:background-migrator', () =>
          migrateAllTenants({
            latestVersion,
            shards: opts.shards,
            catalog,
            concurrency: 2,
            onProgress: (p) => {
              if (p.applied.length) opts.log.info(p, 'tenant migrated');
            },
          }),
        );
        if (run.acquired) {
          opts.log.info(
            { ...run.value, failed: run.value.failed.length },
            'background tenant migration finished',
          );
        }
      } catch (err) {
        opts.log.error({ err }, 'background tenant migration failed');
      }
    },
  };
}
