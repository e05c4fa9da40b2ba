import type { Redis } from 'ioredis';
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
const NONE = '"none"';

/**
 * Shared layer: the hash `global:tenant-domains` (host → tenant JSON) whose TTL is a safety net
 * against a lost invalidation; the in-process layer in front of it; invalidations published on
 * `global:tenant-domains:invalidate` so every instance drops its local copy at once.
 */
export class RedisTenantDomainCache implements TenantDomainCache {
  private readonly local: LocalTtlMap;

  private constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    opts: TenantCacheOptions,
    private readonly hashTtlSeconds: number,
  ) {
    this.local = new LocalTtlMap(opts.localTtlMs, opts.now ?? Date.now);
  }

  /** `subscriber` must be a connection of its own (it enters subscribe mode). */
  static async create(
    redis: Redis,
    subscriber: Redis,
    opts: TenantCacheOptions & { hashTtlSeconds?: number },
  ): Promise<RedisTenantDomainCache> {
    const cache = new RedisTenantDomainCache(redis, subscriber, opts, opts.hashTtlSeconds ?? 3600);
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
    const value = raw === NONE ? null : (JSON.parse(raw) as TenantRecord);
    this.local.set(key, value);
    return value;
  }

  async set(host: string, tenant: TenantRecord | null): Promise<void> {
    const key = normalizeHost(host);
    this.local.set(key, tenant);
    await this.redis
      .multi()
      .hset(HASH, key, tenant === null ? NONE : JSON.stringify(tenant))
      .expire(HASH, this.hashTtlSeconds)
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
