import {
  type ChangeNotices,
  DEFAULT_SHARD,
  migrateIfBehind,
  routedTenantDb,
  type ShardMap,
  type ShardRouter,
  type TenantDb,
  tenantDb,
} from '@rosterchirp/db';
import { AppError } from '@rosterchirp/domain';
import { SLUG_PATTERN } from '@rosterchirp/protocol';
import type { TenantCatalog, TenantRow } from '@rosterchirp/store';
import { normalizeHost, type TenantDomainCache, type TenantRecord } from '@rosterchirp/tenant-cache';
import type { FastifyBaseLogger } from 'fastify';
import type { TenantResolver } from './tenant-resolver.ts';

export interface HostResolverDeps {
  shards: ShardMap;
  catalog: TenantCatalog;
  cache: TenantDomainCache;
  hostDomain: string;
  /** The newest tenant migration: schemas below it are migrated before they are served. */
  latestVersion: number;
  log: FastifyBaseLogger;
  /** Postgres change notices: a tenant moved to another shard is routed there at once. */
  changeNotices?: ChangeNotices;
}

/**
 * Host mode (docs/PRODUCT.md §1): `{HOST_DOMAIN}` → schema public (the operator's own workspace and
 * the control plane); `{slug}.{HOST_DOMAIN}` or a custom domain → that tenant's schema on its
 * shard. Lookups go through the tenant-domain cache (this process, then Redis, then the
 * catalog). A tenant is migrated before its first request on this instance is served.
 *
 * Which shard holds a schema is asked of the catalog once per instance and remembered until the
 * tenant moves (the catalog's notice, or a statement meeting the schema gone): every TenantDb
 * handed out follows its tenant (routedTenantDb), so requests, sockets opened before a move,
 * jobs and presence sweeps all reach the tenant where it is now.
 */
export function createHostResolver(deps: HostResolverDeps): TenantResolver {
  const publicDb = tenantDb(deps.shards.get(DEFAULT_SHARD).pool, 'public');
  /** Schema → the shard holding it (asked of the catalog; forgotten when the tenant moves). */
  const shardOfSchema = new Map<string, Promise<string>>();
  /** `{shard}/{schema}` → that tenant's database there. */
  const onShard = new Map<string, TenantDb>();
  /** Schema → the routed database handed out (one per schema). */
  const routed = new Map<string, TenantDb>();
  const migrated = new Map<string, Promise<void>>();
  const suffix = `.${deps.hostDomain}`;
  const slugPattern = new RegExp(SLUG_PATTERN);

  const router: ShardRouter = {
    shardOf(schema) {
      let shard = shardOfSchema.get(schema);
      if (!shard) {
        shard = deps.catalog.shardOf(schema).then((name) => {
          if (name === undefined) throw new AppError('TENANT_NOT_FOUND', 'No such organisation');
          return name;
        });
        shardOfSchema.set(schema, shard);
        shard.catch(() => shardOfSchema.delete(schema));
      }
      return shard;
    },
    dbOn(shard, schema) {
      const key = `${shard}/${schema}`;
      let db = onShard.get(key);
      if (!db) {
        const { pool, replica } = deps.shards.get(shard);
        db = tenantDb(pool, schema, replica);
        onShard.set(key, db);
      }
      return db;
    },
    forget(schema) {
      shardOfSchema.delete(schema);
      migrated.delete(schema);
    },
  };
  deps.changeNotices?.onNotice((notice) => {
    if (notice.kind !== 'tenant') return;
    deps.log.info({ schema: notice.schema }, 'tenant moved to another shard: routing there');
    router.forget(notice.schema);
  });
  // Notices may have been missed while not listening: ask the catalog again.
  deps.changeNotices?.onReset(() => shardOfSchema.clear());

  const dbFor = (schema: string): TenantDb => {
    let db = routed.get(schema);
    if (!db) {
      db = routedTenantDb(schema, router);
      routed.set(schema, db);
    }
    return db;
  };

  const lookup = async (host: string): Promise<TenantRecord | null> => {
    let row: TenantRow | undefined;
    if (host.endsWith(suffix)) {
      const slug = host.slice(0, -suffix.length);
      if (slugPattern.test(slug)) row = await deps.catalog.bySlug(slug);
    } else {
      row = await deps.catalog.byCustomDomain(host);
    }
    if (!row || (row.status !== 'active' && row.status !== 'suspended')) return null;
    return { slug: row.slug, schema: row.schema, status: row.status, shard: row.shard };
  };

  /** Cache first; a cache outage falls back to the catalog instead of failing the request. */
  const find = async (host: string): Promise<TenantRecord | null> => {
    try {
      const cached = await deps.cache.get(host);
      if (cached !== undefined) return cached;
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'tenant cache unavailable; reading the catalog');
    }
    const record = await lookup(host);
    await deps.cache.set(host, record).catch(() => undefined);
    return record;
  };

  const ensureMigrated = (record: TenantRecord): Promise<void> => {
    let done = migrated.get(record.schema);
    if (!done) {
      done = router
        .shardOf(record.schema)
        .then((shard) => migrateIfBehind(deps.shards.get(shard), record.schema, deps.latestVersion))
        .then(({ applied }) => {
          if (applied.length) deps.log.info({ tenant: record.slug, applied }, 'tenant migrated on first use');
        });
      migrated.set(record.schema, done);
      done.catch(() => migrated.delete(record.schema));
    }
    return done;
  };

  return {
    async resolve(rawHost) {
      const host = normalizeHost(rawHost ?? '');
      if (host === deps.hostDomain) return publicDb;
      const record = await find(host);
      if (!record)
        throw new AppError('TENANT_NOT_FOUND', `No organisation is served at ${host || 'this address'}`);
      if (record.status === 'suspended') {
        throw new AppError('TENANT_SUSPENDED', 'This organisation is suspended; contact your provider');
      }
      await ensureMigrated(record);
      return dbFor(record.schema);
    },
    bySchema: (schema) => (schema === 'public' ? publicDb : dbFor(schema)),
    isControlPlane: (host) => normalizeHost(host ?? '') === deps.hostDomain,
  };
}
