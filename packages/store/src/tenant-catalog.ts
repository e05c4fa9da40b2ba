import type { Plan } from '@rosterchirp/protocol';

/** One row of host mode's catalog, `public.tenants`. */
export interface TenantRow {
  slug: string;
  name: string;
  plan: Plan;
  status: 'provisioning' | 'active' | 'suspended' | 'deleting';
  customDomain: string | null;
  schema: string;
  shard: string;
  createdAt: Date;
}

/** Host mode's catalog of tenants (rows marked `deleting` are hidden from the list). */
export interface TenantCatalog {
  list(): Promise<TenantRow[]>;
  bySlug(slug: string): Promise<TenantRow | undefined>;
  byCustomDomain(domain: string): Promise<TenantRow | undefined>;
  /** Inserts a row in `provisioning` on `shard` (default main); undefined when the slug is taken. */
  insert(
    row: Pick<TenantRow, 'slug' | 'name' | 'plan' | 'schema'> & { shard?: string },
  ): Promise<TenantRow | undefined>;
  /** The shard holding a schema (undefined: no such tenant). */
  shardOf(schema: string): Promise<string | undefined>;
  /** Tenants per shard (rows being deleted not counted): placement picks the least loaded. */
  countByShard(): Promise<Record<string, number>>;
  /** Points a tenant at another shard (the move's switch); notifies every instance at commit. */
  setShard(slug: string, shard: string): Promise<TenantRow | undefined>;
  update(
    slug: string,
    patch: Partial<Pick<TenantRow, 'name' | 'plan' | 'status' | 'customDomain'>>,
  ): Promise<TenantRow | undefined>;
  remove(slug: string): Promise<void>;
  count(): Promise<number>;
}

/** The control plane's audit trail, `public.host_audit`. */
export interface HostAuditEntry {
  at: Date;
  action: string;
  slug: string | null;
  outcome: string;
  ip: string | null;
  details: Record<string, unknown>;
}

export interface HostAudit {
  record(entry: Omit<HostAuditEntry, 'at'>): Promise<void>;
  /** Newest first, optionally of one tenant. */
  recent(limit: number, slug?: string): Promise<HostAuditEntry[]>;
}
