import type { RedisClient } from '@rosterchirp/redis';
import {
  type CachedTenant,
  LocalTtlMap,
  normalizeHost,
  type TenantCacheOptions,
  type TenantDomainCache,
  type TenantRecord,
} from './tenant-domain-cache.ts';

const HASH = 'global:tenant-domains';
const CHANNEL = 'global:tenant-domains:invalidate';

/** A shared entry: the tenant and when the entry stops being trusted (ms since the epoch). */
interface SharedEntry {
  t: TenantRecord;
  exp: number;
}

/**
 * Shared layer: the hash `global:tenant-domains` (host → tenant and its expiry) in front of the
 * catalog; the in-process layer in front of it; invalidations published on
 * `global:tenant-domains:invalidate` so every instance drops its local copy at once.
 *
 * Every shared entry carries its own expiry (`entryTtlSeconds`, a safety net against a lost
 * invalidation), and the hash as a whole expires `entryTtlSeconds` after it was created (set
 * once, never pushed back), so it holds at most the hosts seen in that window. "No such
 * tenant" answers are cached in this process only: random Host headers must not grow Redis.
 */
export class RedisTenantDomainCache implements TenantDomainCache {
  private readonly local: LocalTtlMap;
  private readonly now: () => number;

  private constructor(
    private readonly redis: RedisClient,
    private readonly subscriber: RedisClient,
    opts: TenantCacheOptions,
    private readonly entryTtlSeconds: number,
  ) {
    this.now = opts.now ?? Date.now;
    this.local = new LocalTtlMap(opts.localTtlMs, this.now);
  }

  /** `subscriber` must be a connection of its own (it enters subscribe mode). */
  static async create(
    redis: RedisClient,
    subscriber: RedisClient,
    opts: TenantCacheOptions & { entryTtlSeconds?: number },
  ): Promise<RedisTenantDomainCache> {
    const cache = new RedisTenantDomainCache(redis, subscriber, opts, opts.entryTtlSeconds ?? 300);
    subscriber.on('message', (channel: string, host: string) => {
      if (channel === CHANNEL) cache.local.delete(host);
    });
    await subscriber.subscribe(CHANNEL);
    return cache;
  }

  async get(host: string): Promise<CachedTenant> {
    const key = normalizeHost(host);
    const local = this.local.get(key);
    if (local !== undefined) return local;
    const raw = await this.redis.hget(HASH, key);
    if (raw === null) return undefined;
    const entry = JSON.parse(raw) as Partial<SharedEntry>;
    if (!entry.t || typeof entry.exp !== 'number' || entry.exp <= this.now()) return undefined;
    this.local.set(key, entry.t);
    return entry.t;
  }

  async set(host: string, tenant: TenantRecord | null): Promise<void> {
    const key = normalizeHost(host);
    this.local.set(key, tenant);
    if (tenant === null) return;
    const entry: SharedEntry = { t: tenant, exp: this.now() + this.entryTtlSeconds * 1000 };
    await this.redis
      .multi()
      .hset(HASH, key, JSON.stringify(entry))
      .expire(HASH, this.entryTtlSeconds, 'NX')
      .exec();
  }

  async invalidate(host: string): Promise<void> {
    const key = normalizeHost(host);
    this.local.delete(key);
    await this.redis.hdel(HASH, key);
    await this.redis.publish(CHANNEL, key);
  }

  async close(): Promise<void> {
    await this.subscriber.unsubscribe(CHANNEL).catch(() => undefined);
  }
}
