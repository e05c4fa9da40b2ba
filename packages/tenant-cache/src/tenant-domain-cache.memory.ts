import {
  type CachedTenant,
  LocalTtlMap,
  normalizeHost,
  type TenantCacheOptions,
  type TenantDomainCache,
  type TenantRecord,
} from './tenant-domain-cache.ts';

/** One instance: the in-process layer alone. */
export class MemoryTenantDomainCache implements TenantDomainCache {
  private readonly local: LocalTtlMap;

  constructor(opts: TenantCacheOptions) {
    this.local = new LocalTtlMap(opts.localTtlMs, opts.now ?? Date.now);
  }

  async get(host: string): Promise<CachedTenant> {
    return this.local.get(normalizeHost(host));
  }

  async set(host: string, tenant: TenantRecord | null): Promise<void> {
    this.local.set(normalizeHost(host), tenant);
  }

  async invalidate(host: string): Promise<void> {
    this.local.delete(normalizeHost(host));
  }

  async close(): Promise<void> {}
}
