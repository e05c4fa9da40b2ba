import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@rosterchirp/config';
import {
  latestTenantVersion,
  migrateHostCatalog,
  migrateSchema,
  ShardMap,
  withTryLock,
} from '@rosterchirp/db';
import { createTenantCatalog, seedTenant } from '@rosterchirp/domain';
import { LocalDiskStorage, S3Storage } from '@rosterchirp/storage';
import { buildApp } from './app.ts';
import { openDatabase } from './database.ts';
import { createHostResolver } from './host-tenant-resolver.ts';
import { loadOrCreateJwtSecret } from './jwt-secret.ts';
import { createLogger } from './logger.ts';
import { createSharedState } from './shared-state.ts';
import { migrateAllTenants } from './tenant-migrator.ts';
import { createSelfhostResolver, type TenantResolver } from './tenant-resolver.ts';

/** Reads config, opens the database, migrates and seeds, listens, and shuts down gracefully. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config);
  await mkdir(config.dataDir, { recursive: true });
  const database = await openDatabase(config, log);
  const migrated = await migrateSchema(database.directUrl, 'public');
  if (migrated.applied.length) log.info({ applied: migrated.applied }, 'migrated schema public');

  const shards = ShardMap.single(database.pool, database.directUrl);
  const selfhost = createSelfhostResolver(database.pool);
  const publicDb = selfhost.bySchema('public');
  const jwtSecret = config.jwtSecret ?? (await loadOrCreateJwtSecret(publicDb));
  const shared = createSharedState(config, log);
  let tenants: TenantResolver = selfhost;
  if (config.host) {
    const catalog = await migrateHostCatalog(database.directUrl);
    if (catalog.applied.length) log.info({ applied: catalog.applied }, 'migrated the tenant catalog');
    // The host's own workspace (schema public) is always on the Team plan.
    await publicDb.query(
      `INSERT INTO public.settings (key, value) VALUES ('plan', '"team"') ON CONFLICT (key) DO UPDATE SET value = '"team"'`,
    );
    tenants = createHostResolver({
      shards,
      catalog: createTenantCatalog(publicDb),
      cache: shared.tenantCache,
      hostDomain: config.host.domain,
      latestVersion: await latestTenantVersion(),
      log,
    });
  }
  const { app, services, drain } = await buildApp({
    log,
    pool: database.pool,
    tenants,
    presence: shared.presence,
    socketAdapter: shared.socketAdapter,
    readinessChecks: shared.readinessChecks,
    rateLimiter: shared.rateLimiter,
    rateLimits: config.rateLimits,
    uploadMaxBytes: config.uploadMaxBytes,
    linkPreviews: config.linkPreviews,
    presenceTtlMs: config.presenceTtlMs,
    storage: config.s3 ? new S3Storage(config.s3) : new LocalDiskStorage(join(config.dataDir, 'uploads')),
    jwtSecret,
    instanceId: config.instanceId,
    sessionTtlDays: config.sessionTtlDays,
    cookieSecure: config.cookieSecure,
    bodyLimitBytes: config.bodyLimitBytes,
    defaultUserPassword: config.defaultUserPassword,
    webDir: config.webDir,
    metricsToken: config.metricsToken,
    hostMode: config.host && {
      domain: config.host.domain,
      adminKey: config.host.adminKey,
      shards,
      invalidateHost: (host) => shared.tenantCache.invalidate(host),
      defaultChatName: config.defaultChatName,
    },
  });

  const seeded = await seedTenant(publicDb, services, {
    admin: config.admin,
    defaultChatName: config.defaultChatName,
  });
  await app.listen({ port: config.port, host: config.bindHost });
  const shownHost = config.bindHost === '0.0.0.0' ? 'localhost' : config.bindHost;
  const url = `http://${shownHost}:${(app.server.address() as { port: number }).port}`;
  if (seeded.generatedAdminPassword) {
    process.stdout.write(
      `\n  RosterChirp admin account (shown once):\n    email:    ${config.admin.email}\n    password: ${seeded.generatedAdminPassword}\n\n`,
    );
  }
  process.stdout.write(`\n  RosterChirp is running at ${url}\n\n`);
  if (config.host) {
    process.stdout.write(`  Host control plane: http://${config.host.domain}:${new URL(url).port}/host\n\n`);
    void migrateTenantsInBackground(shards, publicDb, log);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await drain(config.drainDelayMs);
    await app.close();
    await shared.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * Tenants migrate lazily on first use; this brings the rest up to date after start, on one
 * instance at a time (a try-lock), so a new release never waits on a serial pass over every schema.
 */
async function migrateTenantsInBackground(
  shards: ShardMap,
  publicDb: ReturnType<ReturnType<typeof createSelfhostResolver>['bySchema']>,
  log: ReturnType<typeof createLogger>,
): Promise<void> {
  try {
    const latestVersion = await latestTenantVersion();
    const run = await withTryLock(shards.get('main').directUrl, 'rosterchirp:background-migrator', () =>
      migrateAllTenants({
        latestVersion,
        shards,
        catalog: createTenantCatalog(publicDb),
        concurrency: 2,
        onProgress: (p) => {
          if (p.applied.length)
            log.info(
              { schema: p.schema, applied: p.applied, done: p.done, total: p.total },
              'tenant migrated',
            );
        },
      }),
    );
    if (run.acquired)
      log.info({ ...run.value, failed: run.value.failed.length }, 'background tenant migration finished');
  } catch (err) {
    log.error({ err }, 'background tenant migration failed');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`RosterChirp failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
