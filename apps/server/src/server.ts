import { mkdir } from 'node:fs/promises';
import { type Config, ConfigError, loadConfig } from '@rosterchirp/config';
import { listenForChanges, migrateSchema } from '@rosterchirp/db';
import { PgBossQueue } from '@rosterchirp/jobs';
import { createSqlStores } from '@rosterchirp/store';
import { buildApp } from './app.ts';
import { openDatabase } from './database.ts';
import { setupHostMode } from './host-mode.ts';
import { loadOrCreateJwtSecret } from './jwt-secret.ts';
import { createLogger } from './logger.ts';
import { openShards } from './open-shards.ts';
import { RedisRecentWriters } from './read-your-writes/index.ts';
import { createSharedState } from './shared-state.ts';
import { startupFailure } from './startup-failure.ts';
import { storageFromConfig } from './storage-from-config.ts';
import { createSelfhostResolver } from './tenant-resolver.ts';
import { loadOrCreateVapidKeys } from './vapid-keys.ts';

/** Reads config, opens the database, migrates and seeds, listens, and shuts down gracefully. */
async function main(): Promise<void> {
  let config: Config;
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

  // Phase 3 (a streaming replica answers reads that may lag) and phase 4 (SHARDS).
  const opened = await openShards(config, database, log);
  const { shards, mainReplica: replica } = opened;
  const replicaReads = shards.names().some((name) => shards.get(name).replica !== undefined);
  const changeNotices = listenForChanges(
    shards.names().map((name) => shards.get(name).directUrl),
    { onError: (err) => log.warn({ err }, 'change notices: connection lost; caches off until it is back') },
  );
  const selfhost = createSelfhostResolver(database.pool, replica);
  const publicDb = selfhost.bySchema('public');
  const jwtSecret = config.jwtSecret ?? (await loadOrCreateJwtSecret(createSqlStores().settings, publicDb));
  const pushKeys = await loadOrCreateVapidKeys(createSqlStores().settings, publicDb, config.push);
  const shared = createSharedState(config, log);
  await shared.ready();
  const host = config.host
    ? await setupHostMode({
        shards,
        changeNotices,
        cache: shared.tenantCache,
        domain: config.host.domain,
        adminKey: config.host.adminKey,
        defaultChatName: config.defaultChatName,
        log,
      })
    : undefined;
  const jobs = new PgBossQueue(database.pool, {
    pollingIntervalSeconds: config.jobs.pollSeconds,
    maintenanceIntervalSeconds: config.jobs.maintenanceSeconds,
    onError: (err) => log.error({ err }, 'job queue error'),
  });
  const { app, services, drain } = await buildApp({
    log,
    pool: database.pool,
    tenants: host?.tenants ?? selfhost,
    presence: shared.presence,
    viewing: shared.viewing,
    jobs,
    jobLeaseSeconds: config.jobs.leaseSeconds,
    uploadCleanupHours: config.jobs.uploadCleanupHours,
    socketAdapter: shared.socketAdapter,
    onFanoutRestored: shared.onFanoutRestored,
    readinessChecks: shared.readinessChecks,
    rateLimiter: shared.rateLimiter,
    rateLimits: config.rateLimits,
    uploadMaxBytes: config.uploadMaxBytes,
    linkPreviews: config.linkPreviews,
    presenceTtlMs: config.presenceTtlMs,
    presenceBatchMs: config.presenceBatchMs,
    changeNotices,
    accessCacheMs: config.accessCacheMs,
    ...(replica ? { replica } : {}),
    readYourWritesMs: config.readYourWritesMs,
    replicaReads,
    // Shared by the instances, so a writer's next request reads the primary wherever it lands.
    ...(replicaReads && shared.redis
      ? { recentWriters: new RedisRecentWriters(shared.redis, config.readYourWritesMs) }
      : {}),
    storage: storageFromConfig(config),
    integrations: config.integrations,
    jwtSecret,
    push: {
      keys: pushKeys,
      allowPrivateEndpoints: config.push.allowPrivateEndpoints,
      concurrency: config.push.concurrency,
      ratePerSecond: config.push.ratePerSecond,
    },
    instanceId: config.instanceId,
    sessionTtlDays: config.sessionTtlDays,
    cookieSecure: config.cookieSecure,
    bodyLimitBytes: config.bodyLimitBytes,
    defaultUserPassword: config.defaultUserPassword,
    webDir: config.webDir,
    metricsToken: config.metricsToken,
    trustProxy: config.trustProxy,
    connectionLimits: config.connectionLimits,
    hostMode: host?.deps,
  });

  const seeded = await services.seed.tenant(publicDb, {
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
  if (config.host && host) {
    process.stdout.write(`  Host control plane: http://${config.host.domain}:${new URL(url).port}/host\n\n`);
    void host.migrateInBackground();
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await drain(config.drainDelayMs);
    await app.close();
    await shared.close();
    await changeNotices.close();
    await opened.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${startupFailure(err)}\n`);
  process.exit(1);
});
