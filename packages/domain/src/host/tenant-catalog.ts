import type { Queryable, TenantDb } from '@rosterchirp/db';
import type { Plan, Tenant } from '@rosterchirp/protocol';

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

const COLUMNS = `slug, name, plan, status, custom_domain AS "customDomain", schema_name AS schema, shard,
  created_at AS "createdAt"`;

/** SQL over the catalog. Catalog statements name `public` explicitly (docs/CLUSTER.md invariant 2). */
export function createTenantCatalog(publicDb: TenantDb) {
  return {
    async list(): Promise<TenantRow[]> {
      const { rows } = await publicDb.query<TenantRow & Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM public.tenants WHERE status <> 'deleting' ORDER BY slug`,
      );
      return rows;
    },

    async bySlug(slug: string, q: Queryable = publicDb): Promise<TenantRow | undefined> {
      const { rows } = await q.query<TenantRow & Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM public.tenants WHERE slug = $1`,
        [slug],
      );
      return rows[0];
    },

    async byCustomDomain(domain: string): Promise<TenantRow | undefined> {
      const { rows } = await publicDb.query<TenantRow & Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM public.tenants WHERE custom_domain = $1`,
        [domain],
      );
      return rows[0];
    },

    /** Inserts a row in `provisioning`; undefined when the slug is taken. */
    async insert(row: Pick<TenantRow, 'slug' | 'name' | 'plan' | 'schema'>): Promise<TenantRow | undefined> {
      const { rows } = await publicDb.query<TenantRow & Record<string, unknown>>(
        `INSERT INTO public.tenants (slug, name, plan, schema_name) VALUES ($1, $2, $3, $4)
         ON CONFLICT (slug) DO NOTHING RETURNING ${COLUMNS}`,
        [row.slug, row.name, row.plan, row.schema],
      );
      return rows[0];
    },

    async update(
      slug: string,
      patch: Partial<Pick<TenantRow, 'name' | 'plan' | 'status' | 'customDomain'>>,
      q: Queryable = publicDb,
    ): Promise<TenantRow | undefined> {
      const sets: string[] = [];
      const values: unknown[] = [slug];
      const column = { name: 'name', plan: 'plan', status: 'status', customDomain: 'custom_domain' } as const;
      for (const key of Object.keys(column) as Array<keyof typeof column>) {
        if (patch[key] === undefined) continue;
        values.push(patch[key]);
        sets.push(`${column[key]} = $${values.length}`);
      }
      const { rows } = await q.query<TenantRow & Record<string, unknown>>(
        `UPDATE public.tenants SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE slug = $1
         RETURNING ${COLUMNS}`,
        values,
      );
      return rows[0];
    },

    async remove(slug: string): Promise<void> {
      await publicDb.query('DELETE FROM public.tenants WHERE slug = $1', [slug]);
    },

    async count(): Promise<number> {
      const { rows } = await publicDb.query<{ n: number }>('SELECT count(*)::int AS n FROM public.tenants');
      return rows[0]?.n ?? 0;
    },
  };
}

export type TenantCatalog = ReturnType<typeof createTenantCatalog>;

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
