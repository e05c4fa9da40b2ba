import type { Tenant } from '@rosterchirp/protocol';
import type { TenantRow } from '@rosterchirp/store';

/** The hosts a tenant answers on: its subdomain and, when set, its custom domain. */
export function tenantHosts(row: Pick<TenantRow, 'slug' | 'customDomain'>, hostDomain: string): string[] {
  return [`${row.slug}.${hostDomain}`, ...(row.customDomain ? [row.customDomain] : [])];
}

/** The control plane's view of a row; `urlFor` turns a host name into a sign-in URL. */
export function toTenant(row: TenantRow, hostDomain: string, urlFor: (host: string) => string): Tenant {
  return {
    slug: row.slug,
    name: row.name,
    plan: row.plan,
    status: row.status,
    customDomain: row.customDomain,
    schema: row.schema,
    shard: row.shard,
    url: urlFor(row.customDomain ?? `${row.slug}.${hostDomain}`),
    createdAt: row.createdAt.toISOString(),
  };
}
