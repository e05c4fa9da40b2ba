export { MemoryTenantDomainCache } from './tenant-domain-cache.memory.ts';
export { RedisTenantDomainCache } from './tenant-domain-cache.redis.ts';
export {
  type CachedTenant,
  normalizeHost,
  type TenantCacheOptions,
  type TenantDomainCache,
  type TenantRecord,
} from './tenant-domain-cache.ts';
