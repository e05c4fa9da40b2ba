import { hostname } from 'node:os';
import { resolve } from 'node:path';
import {
  ConfigError,
  type Env,
  readBool,
  readEnum,
  readInt,
  readOptional,
  readRedis,
  readShards,
  readString,
  readTrustProxy,
  readUrl,
  type ShardSettings,
} from './env-readers.ts';

export type { ShardSettings };
export { ConfigError };

export interface RateLimits {
  /** Sign-in attempts per email per minute (and 3× that per client IP). */
  loginPerMinute: number;
  /** Messages a user may send per 10 seconds. */
  sendPer10Seconds: number;
  /** Host control plane requests per client address per minute. */
  hostAdminPerMinute: number;
  /** Reaction toggles a user may make per 10 seconds. */
  reactionsPer10Seconds: number;
}

/** Live realtime connections (socket.io and /api/stream together) one instance accepts. */
export interface ConnectionLimits {
  perUser: number;
  perAddress: number;
}

export interface S3Config {
  endpoint: string | undefined;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  publicUrl: string | undefined;
  forcePathStyle: boolean;
}

function readS3(env: Env): S3Config | undefined {
  const bucket = readOptional(env, 'S3_BUCKET');
  if (!bucket) return undefined;
  const accessKeyId = readOptional(env, 'S3_ACCESS_KEY_ID');
  const secretAccessKey = readOptional(env, 'S3_SECRET_ACCESS_KEY');
  if (!accessKeyId) throw new ConfigError('S3_ACCESS_KEY_ID', 'is required when S3_BUCKET is set');
  if (!secretAccessKey) throw new ConfigError('S3_SECRET_ACCESS_KEY', 'is required when S3_BUCKET is set');
  const endpoint = readUrl(env, 'S3_ENDPOINT', ['http:', 'https:']);
  return {
    endpoint,
    bucket,
    region: readString(env, 'S3_REGION', 'us-east-1'),
    accessKeyId,
    secretAccessKey,
    publicUrl: readUrl(env, 'S3_PUBLIC_URL', ['http:', 'https:']),
    forcePathStyle: readBool(env, 'S3_FORCE_PATH_STYLE', endpoint !== undefined),
  };
}

/** Host mode (APP_TYPE=host): many tenants, one schema each (docs/PRODUCT.md §1). */
export interface HostModeConfig {
  /** Tenants live at `{slug}.{domain}`; the control plane at `{domain}/host`. */
  domain: string;
  /** Secret the control plane API compares (constant-time) with `X-Host-Admin-Key`. */
  adminKey: string;
}

function readHostMode(env: Env, appType: 'selfhost' | 'host'): HostModeConfig | undefined {
  if (appType !== 'host') return undefined;
  const domain = readOptional(env, 'HOST_DOMAIN')?.toLowerCase().replace(/\.$/, '');
  if (!domain) throw new ConfigError('HOST_DOMAIN', 'is required when APP_TYPE=host');
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(domain)) {
    throw new ConfigError('HOST_DOMAIN', 'must be a bare domain name such as chat.example.com');
  }
  const adminKey = readOptional(env, 'HOST_ADMIN_KEY');
  if (!adminKey) throw new ConfigError('HOST_ADMIN_KEY', 'is required when APP_TYPE=host');
  if (adminKey.length < 24) throw new ConfigError('HOST_ADMIN_KEY', 'must be at least 24 characters');
  return { domain, adminKey };
}

export interface Config {
  appType: 'selfhost' | 'host';
  /** Set exactly when appType is 'host'. */
  host: HostModeConfig | undefined;
  port: number;
  bindHost: string;
  instanceId: string;
  dataDir: string;
  /** Postgres used by queries (may be a pooler). Unset: embedded Postgres under dataDir. */
  databaseUrl: string | undefined;
  /** Direct (non-pooled) Postgres for migrations and advisory locks; defaults to databaseUrl. */
  databaseDirectUrl: string | undefined;
  databasePoolSize: number;
  /** A streaming read replica of DATABASE_URL's Postgres (phase 3); unset: every read on the primary. */
  databaseReplicaUrl: string | undefined;
  /** A replica further behind than this (ms) serves no reads until it catches up. */
  replicaMaxLagMs: number;
  /** After a write, that person's reads go to the primary for this long (ms). */
  readYourWritesMs: number;
  /** Further database clusters for tenants (SHARDS; phase 4); `main` is DATABASE_URL. */
  shards: Record<string, ShardSettings>;
  /**
   * Redis for fan-out, presence, rate limits (one URL, or a cluster's node URLs joined by
   * commas). Unset: in-process memory (one instance only).
   */
  redisUrl: string | undefined;
  /** `redisUrl` is a Redis Cluster (REDIS_CLUSTER_NODES, or several URLs in REDIS_URL). */
  redisCluster: boolean;
  /** socket.io Redis adapter: "sharded" (per-room channels, default) or "classic". */
  fanoutAdapter: 'sharded' | 'classic';
  jwtSecret: string | undefined;
  sessionTtlDays: number;
  cookieSecure: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  rateLimits: RateLimits;
  /** S3-compatible storage when S3_BUCKET is set; otherwise uploads on local disk. */
  s3: S3Config | undefined;
  uploadMaxBytes: number;
  /** Link previews on/off; allowPrivate lets tests preview a local server (never in production). */
  linkPreviews: { enabled: boolean; allowPrivate: boolean };
  /** Integrations: LiveKit calls (all three set, or none), webhook target policy, Twilio's API. */
  integrations: IntegrationsConfig;
  /** Web Push: VAPID keys (generated once per deployment when unset) and the endpoint policy. */
  push: {
    vapidPublic: string | undefined;
    vapidPrivate: string | undefined;
    subject: string;
    allowPrivateEndpoints: boolean;
    /** Pushes in flight at once per fan-out job. */
    concurrency: number;
    /** Pushes started per second by one instance, all fan-outs together. */
    ratePerSecond: number;
  };
  /** The durable job queue (pg-boss on the platform Postgres). */
  jobs: {
    /** How often an idle worker looks for jobs (a send on the same instance wakes it at once). */
    pollSeconds: number;
    /** A job whose worker went silent this long is handed to another instance. */
    leaseSeconds: number;
    /** How often expired leases are found and old jobs archived (one instance at a time). */
    maintenanceSeconds: number;
    /** How often unreferenced uploads older than a day are deleted (hours; 0: never). */
    uploadCleanupHours: number;
  };
  /** Presence entries expire this long after their last heartbeat (heartbeats every third of it). */
  presenceTtlMs: number;
  /** Presence changes go out at most once per this window per tenant and instance (0: at once). */
  presenceBatchMs: number;
  /** Session and conversation access checks are answered from memory this long (0: always asked). */
  accessCacheMs: number;
  /** On SIGTERM: how long to report not-ready before closing, so the balancer moves traffic away. */
  drainDelayMs: number;
  admin: { email: string; name: string; password: string | undefined; resetPassword: boolean };
  defaultChatName: string;
  defaultUserPassword: string | undefined;
  /** Built web client to serve; unset: the server's bundled default. */
  webDir: string | undefined;
  /** Bearer token for GET /metrics; unset: /metrics answers private and loopback addresses only. */
  metricsToken: string | undefined;
  /** Peers whose X-Forwarded-For is believed (fastify's trustProxy); false: none. */
  trustProxy: false | number | string[];
  connectionLimits: ConnectionLimits;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Parses and validates every variable once; throws ConfigError naming the first bad one. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const databaseUrl = readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const databaseDirectUrl = readUrl(env, 'DATABASE_DIRECT_URL', ['postgres:', 'postgresql:']);
  if (databaseDirectUrl && !databaseUrl) {
    throw new ConfigError('DATABASE_DIRECT_URL', 'needs DATABASE_URL to be set as well');
  }
  const jwtSecret = readOptional(env, 'JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  }
  const adminEmail = readString(env, 'ADMIN_EMAIL', 'admin@rosterchirp.local');
  if (!/^[^\s@]+@[^\s@]+$/.test(adminEmail)) throw new ConfigError('ADMIN_EMAIL', 'must be an email address');
  const adminPass = readOptional(env, 'ADMIN_PASS');
  if (adminPass !== undefined && adminPass.length < 8) {
    throw new ConfigError('ADMIN_PASS', 'must be at least 8 characters');
  }
  const metricsToken = readOptional(env, 'METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  }
  const userPass = readOptional(env, 'USER_PASS');
  if (userPass !== undefined && userPass.length < 8) {
    throw new ConfigError('USER_PASS', 'must be at least 8 characters');
  }
  const appType = readEnum(env, 'APP_TYPE', ['selfhost', 'host'] as const, 'selfhost');
  const redis = readRedis(env);
  const shards = readShards(env);
  if (Object.keys(shards).length > 0 && appType !== 'host') {
    throw new ConfigError(
      'SHARDS',
      'needs APP_TYPE=host (shards hold tenants; a self-hosted workspace is one)',
    );
  }
  const fanoutAdapter = readEnum(env, 'FANOUT_ADAPTER', ['sharded', 'classic'] as const, 'sharded');
  if (redis?.cluster && fanoutAdapter === 'classic') {
    throw new ConfigError(
      'FANOUT_ADAPTER',
      'must be "sharded" with a Redis Cluster (classic pub/sub goes to every node and loses its order)',
    );
  }
  return {
    appType,
    host: readHostMode(env, appType),
    port: readInt(env, 'PORT', 3000, 0, 65535),
    bindHost: readString(env, 'BIND_HOST', '0.0.0.0'),
    instanceId: readString(env, 'INSTANCE_ID', `${hostname()}-${process.pid}`),
    dataDir: resolve(cwd, readString(env, 'DATA_DIR', './data')),
    databaseUrl,
    databaseDirectUrl: databaseDirectUrl ?? databaseUrl,
    databasePoolSize: readInt(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    databaseReplicaUrl: readUrl(env, 'DATABASE_REPLICA_URL', ['postgres:', 'postgresql:']),
    replicaMaxLagMs: readInt(env, 'REPLICA_MAX_LAG_MS', 2000, 0, 600_000),
    readYourWritesMs: readInt(env, 'READ_YOUR_WRITES_MS', 5000, 0, 600_000),
    shards,
    redisUrl: redis?.url,
    redisCluster: redis?.cluster ?? false,
    fanoutAdapter,
    jwtSecret,
    sessionTtlDays: readInt(env, 'SESSION_TTL_DAYS', 30, 1, 365),
    cookieSecure: readBool(env, 'COOKIE_SECURE', false),
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    bodyLimitBytes: readInt(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    s3: readS3(env),
    presenceTtlMs: readInt(env, 'PRESENCE_TTL_MS', 45_000, 1000, 600_000),
    presenceBatchMs: readInt(env, 'PRESENCE_BATCH_MS', 1000, 0, 60_000),
    accessCacheMs: readInt(env, 'ACCESS_CACHE_MS', 300_000, 0, 3_600_000),
    drainDelayMs: readInt(env, 'DRAIN_DELAY_MS', 2000, 0, 120_000),
    linkPreviews: {
      enabled: readBool(env, 'LINK_PREVIEWS', true),
      allowPrivate: readBool(env, 'LINK_PREVIEW_ALLOW_PRIVATE', false),
    },
    push: readPush(env),
    integrations: readIntegrations(env),
    jobs: readJobs(env),
    uploadMaxBytes: readInt(env, 'UPLOAD_MAX_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    rateLimits: {
      loginPerMinute: readInt(env, 'RATE_LIMIT_LOGIN_PER_MINUTE', 10, 1, 1_000_000),
      sendPer10Seconds: readInt(env, 'RATE_LIMIT_SEND_PER_10S', 30, 1, 1_000_000),
      hostAdminPerMinute: readInt(env, 'RATE_LIMIT_HOST_ADMIN_PER_MINUTE', 600, 1, 1_000_000),
      reactionsPer10Seconds: readInt(env, 'RATE_LIMIT_REACTIONS_PER_10S', 20, 1, 1_000_000),
    },
    trustProxy: readTrustProxy(env, 'TRUST_PROXY'),
    connectionLimits: {
      perUser: readInt(env, 'MAX_CONNECTIONS_PER_USER', 20, 1, 100_000),
      perAddress: readInt(env, 'MAX_CONNECTIONS_PER_ADDRESS', 500, 1, 1_000_000),
    },
    admin: {
      email: adminEmail.toLowerCase(),
      name: readString(env, 'ADMIN_NAME', 'Admin'),
      password: adminPass,
      resetPassword: readBool(env, 'ADMPW_RESET', false),
    },
    defaultChatName: readString(env, 'DEFCHAT_NAME', 'General Chat'),
    defaultUserPassword: userPass,
    metricsToken,
    webDir:
      readOptional(env, 'WEB_DIR') === undefined ? undefined : resolve(cwd, readString(env, 'WEB_DIR', '')),
  };
}

export interface IntegrationsConfig {
  livekit: { url: string; apiKey: string; apiSecret: string; meetUrl: string } | null;
  /** Tests only: outgoing webhooks may target loopback and private addresses. */
  outgoingAllowPrivate: boolean;
  /** Base URL of the Twilio REST API (a stand-in in tests). */
  twilioApiUrl: string;
}

function readIntegrations(env: Env): IntegrationsConfig {
  const url = readUrl(env, 'LIVEKIT_URL', ['wss:', 'ws:', 'https:', 'http:']);
  const apiKey = readOptional(env, 'LIVEKIT_API_KEY');
  const apiSecret = readOptional(env, 'LIVEKIT_API_SECRET');
  const set = [url, apiKey, apiSecret].filter((v) => v !== undefined).length;
  if (set !== 0 && set !== 3) {
    const missing = !url ? 'LIVEKIT_URL' : !apiKey ? 'LIVEKIT_API_KEY' : 'LIVEKIT_API_SECRET';
    throw new ConfigError(missing, 'LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET go together');
  }
  return {
    livekit:
      url && apiKey && apiSecret
        ? {
            url,
            apiKey,
            apiSecret,
            meetUrl:
              readUrl(env, 'LIVEKIT_MEET_URL', ['https:', 'http:']) ?? 'https://meet.livekit.io/custom',
          }
        : null,
    outgoingAllowPrivate: readBool(env, 'OUTGOING_WEBHOOKS_ALLOW_PRIVATE', false),
    twilioApiUrl: (readUrl(env, 'TWILIO_API_URL', ['https:', 'http:']) ?? 'https://api.twilio.com').replace(
      /\/+$/,
      '',
    ),
  };
}

function readPush(env: Env): Config['push'] {
  const vapidPublic = readOptional(env, 'VAPID_PUBLIC');
  const vapidPrivate = readOptional(env, 'VAPID_PRIVATE');
  if ((vapidPublic === undefined) !== (vapidPrivate === undefined)) {
    throw new ConfigError(
      vapidPublic ? 'VAPID_PRIVATE' : 'VAPID_PUBLIC',
      'must be set together with the other VAPID key',
    );
  }
  const subject = readString(env, 'VAPID_SUBJECT', 'mailto:admin@rosterchirp.local');
  if (!/^(mailto:|https:\/\/)/.test(subject))
    throw new ConfigError('VAPID_SUBJECT', 'must be a mailto: or https: URL');
  return {
    vapidPublic,
    vapidPrivate,
    subject,
    allowPrivateEndpoints: readBool(env, 'PUSH_ALLOW_PRIVATE_ENDPOINTS', false),
    concurrency: readInt(env, 'PUSH_CONCURRENCY', 16, 1, 1000),
    ratePerSecond: readInt(env, 'PUSH_RATE_PER_SECOND', 1000, 1, 100_000),
  };
}

function readJobs(env: Env): Config['jobs'] {
  return {
    pollSeconds: readInt(env, 'JOB_POLL_SECONDS', 2, 1, 600),
    leaseSeconds: readInt(env, 'JOB_LEASE_SECONDS', 60, 1, 3600),
    maintenanceSeconds: readInt(env, 'JOB_MAINTENANCE_SECONDS', 15, 1, 3600),
    uploadCleanupHours: readInt(env, 'UPLOAD_CLEANUP_HOURS', 6, 0, 24 * 30),
  };
}
