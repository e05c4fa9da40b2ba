/**
 * Host → tenant lookups are on every request, so they are cached: in this process for a few
 * seconds, and (in a cluster) in a Redis hash shared by every instance. When the host control
 * plane changes a domain, slug or status, `invalidate` removes the entry everywhere and tells
 * every instance to drop its local copy (docs/CLUSTER.md invariant 6).
 */
export interface TenantRecord {
  slug: string;
  schema: string;
  status: 'active' | 'suspended';
  /** The database cluster holding the schema (docs/CLUSTER.md phase 4). */
  shard: string;
}

/** `undefined`: not cached (ask the database). `null`: cached as "no such tenant". */
export type CachedTenant = TenantRecord | null | undefined;

export interface TenantDomainCache {
  get(host: string): Promise<CachedTenant>;
  /** `null` ("no such tenant") is kept in this process only, never in a shared layer. */
  set(host: string, tenant: TenantRecord | null): Promise<void>;
  /** Forgets `host` on every instance. */
  invalidate(host: string): Promise<void>;
  close(): Promise<void>;
}

export interface TenantCacheOptions {
  /** How long this process trusts its own copy. */
  localTtlMs: number;
  now?: () => number;
}

/** Hostnames are case-insensitive and may carry a port. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
}

/** A small TTL map, the in-process layer of every implementation. */
export class LocalTtlMap {
  private readonly entries = new Map<string, { value: TenantRecord | null; expiresAt: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly max = 10_000,
  ) {}

  get(key: string): CachedTenant {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: TenantRecord | null): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
