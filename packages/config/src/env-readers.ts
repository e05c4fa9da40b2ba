import { isIP } from 'node:net';

/** Small typed readers over an env record; each throws a ConfigError naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function readString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function readOptional(env: Env, name: string): string | undefined {
  return raw(env, name);
}

export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, `must be true or false, got "${value}"`);
}

export function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

export function readUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${url.protocol}"`);
  }
  return value;
}

/**
 * Redis: `REDIS_URL` (one server, or several node URLs separated by commas: a Redis Cluster) or
 * `REDIS_CLUSTER_NODES` (a cluster's seed nodes: URLs or host:port, commas between). Returns
 * the URL list joined by commas and whether it is a cluster; undefined when neither is set.
 */
export function readRedis(env: Env): { url: string; cluster: boolean } | undefined {
  const single = raw(env, 'REDIS_URL');
  const nodes = raw(env, 'REDIS_CLUSTER_NODES');
  if (single && nodes) throw new ConfigError('REDIS_CLUSTER_NODES', 'and REDIS_URL cannot both be set');
  const name = nodes ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL';
  const value = nodes ?? single;
  if (value === undefined) return undefined;
  const urls = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => (nodes && !part.includes('://') ? `redis://${part}` : part));
  if (urls.length === 0) throw new ConfigError(name, 'names no Redis node');
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(name, `must list redis:// URLs${nodes ? ' or host:port' : ''}, got "${url}"`);
    }
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
      throw new ConfigError(name, `must use redis: or rediss:, got "${parsed.protocol}"`);
    }
  }
  return { url: urls.join(','), cluster: nodes !== undefined || urls.length > 1 };
}

export interface ShardSettings {
  /** Postgres for queries (may be a PgBouncer). */
  url: string;
  /** Direct Postgres for migrations, locks and change notices; default: url. */
  directUrl: string;
  /** A streaming read replica of this shard (phase 3 within phase 4). */
  replicaUrl?: string;
}

const SHARD_NAME = /^[a-z][a-z0-9_-]{0,30}$/;

/**
 * `SHARDS`: further database clusters for tenants (phase 4), as JSON —
 * `{"east":{"url":"postgres://…","directUrl":"postgres://…","replicaUrl":"postgres://…"}}`.
 * Shard `main` is DATABASE_URL and cannot be named here.
 */
export function readShards(env: Env): Record<string, ShardSettings> {
  const value = raw(env, 'SHARDS');
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError(
      'SHARDS',
      'must be JSON: {"name":{"url":"postgres://…","directUrl":"…","replicaUrl":"…"}}',
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('SHARDS', 'must be a JSON object of shard name → {url, directUrl?, replicaUrl?}');
  }
  const out: Record<string, ShardSettings> = {};
  for (const [name, entry] of Object.entries(parsed)) {
    if (!SHARD_NAME.test(name) || name === 'main') {
      throw new ConfigError('SHARDS', `has a bad shard name "${name}" (a-z, 0-9, _ and -, not "main")`);
    }
    const e = (entry ?? {}) as Record<string, unknown>;
    const url = (key: string, required: boolean): string | undefined => {
      const v = e[key];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string' || !/^postgres(ql)?:\/\//.test(v)) {
        throw new ConfigError('SHARDS', `shard "${name}" needs ${key} as a postgres:// URL`);
      }
      return v;
    };
    const known = new Set(['url', 'directUrl', 'replicaUrl']);
    const extra = Object.keys(e).find((k) => !known.has(k));
    if (extra) throw new ConfigError('SHARDS', `shard "${name}" has an unknown field "${extra}"`);
    const main = url('url', true)!;
    const replicaUrl = url('replicaUrl', false);
    out[name] = {
      url: main,
      directUrl: url('directUrl', false) ?? main,
      ...(replicaUrl ? { replicaUrl } : {}),
    };
  }
  return out;
}

/** Named ranges proxy-addr (fastify's trustProxy) understands. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length || !address || isIP(address) === 0) return false;
  if (prefix === undefined) return true;
  const max = isIP(address) === 4 ? 32 : 128;
  return /^\d+$/.test(prefix) && Number(prefix) <= max;
}

/**
 * Which peers may set X-Forwarded-For: `false` (the default: nobody, the socket's address is the
 * client), a hop count (`1` = the nearest proxy), or a comma list of addresses, CIDRs and the
 * names loopback / linklocal / uniquelocal.
 */
export function readTrustProxy(env: Env, name: string): false | number | string[] {
  const value = raw(env, name);
  if (value === undefined || ['false', 'off', 'no', '0'].includes(value.toLowerCase())) return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new ConfigError(name, `must be at most 10 hops, got ${hops}`);
    return hops;
  }
  if (value.toLowerCase() === 'true') {
    throw new ConfigError(
      name,
      'must name the proxies (addresses, CIDRs, loopback) or a hop count; "true" would trust every client',
    );
  }
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.find((e) => !NAMED_RANGES.has(e) && !isCidr(e));
  if (bad)
    throw new ConfigError(
      name,
      `has "${bad}", which is not an address, a CIDR, loopback, linklocal or uniquelocal`,
    );
  return entries;
}
