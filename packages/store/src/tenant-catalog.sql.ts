import type { TenantDb } from '@rosterchirp/db';
import type { HostAudit, HostAuditEntry, TenantCatalog, TenantRow } from './tenant-catalog.ts';

const COLUMNS = `slug, name, plan, status, custom_domain AS "customDomain", schema_name AS schema, shard,
  created_at AS "createdAt"`;

/** SQL over the catalog. Catalog statements name `public` explicitly (docs/CLUSTER.md invariant 2). */
export function createSqlTenantCatalog(publicDb: TenantDb): TenantCatalog {
  return {
    async list(): Promise<TenantRow[]> {
      const { rows } = await publicDb.query<TenantRow & Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM public.tenants WHERE status <> 'deleting' ORDER BY slug`,
      );
      return rows;
    },

    async bySlug(slug: string): Promise<TenantRow | undefined> {
      const { rows } = await publicDb.query<TenantRow & Record<string, unknown>>(
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
    async insert(row): Promise<TenantRow | undefined> {
      const { rows } = await publicDb.query<TenantRow & Record<string, unknown>>(
        `INSERT INTO public.tenants (slug, name, plan, schema_name, shard) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (slug) DO NOTHING RETURNING ${COLUMNS}`,
        [row.slug, row.name, row.plan, row.schema, row.shard ?? 'main'],
      );
      return rows[0];
    },

    async shardOf(schema) {
      const { rows } = await publicDb.query<{ shard: string }>(
        'SELECT shard FROM public.tenants WHERE schema_name = $1',
        [schema],
      );
      return rows[0]?.shard;
    },

    async countByShard() {
      const { rows } = await publicDb.query<{ shard: string; n: number }>(
        "SELECT shard, count(*)::int AS n FROM public.tenants WHERE status <> 'deleting' GROUP BY shard",
      );
      return Object.fromEntries(rows.map((r) => [r.shard, r.n]));
    },

    async setShard(slug, shard) {
      const { rows } = await publicDb.query<TenantRow & Record<string, unknown>>(
        `UPDATE public.tenants SET shard = $2, updated_at = now() WHERE slug = $1 RETURNING ${COLUMNS}`,
        [slug, shard],
      );
      return rows[0];
    },

    async update(
      slug: string,
      patch: Partial<Pick<TenantRow, 'name' | 'plan' | 'status' | 'customDomain'>>,
    ): Promise<TenantRow | undefined> {
      const sets: string[] = [];
      const values: unknown[] = [slug];
      const column = { name: 'name', plan: 'plan', status: 'status', customDomain: 'custom_domain' } as const;
      for (const key of Object.keys(column) as Array<keyof typeof column>) {
        if (patch[key] === undefined) continue;
        values.push(patch[key]);
        sets.push(`${column[key]} = $${values.length}`);
      }
      const { rows } = await publicDb.query<TenantRow & Record<string, unknown>>(
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

/**
 * The audit trail; text and jsonb refuse U+0000, so a refused input is recorded with its NULs
 * shown as U+FFFD.
 */
export function createSqlHostAudit(publicDb: TenantDb): HostAudit {
  const clean = (text: string | null) => text?.replaceAll('\u0000', '\ufffd') ?? null;
  return {
    async record(entry) {
      await publicDb.query(
        'INSERT INTO public.host_audit (action, slug, outcome, ip, details) VALUES ($1, $2, $3, $4, $5)',
        [
          entry.action,
          clean(entry.slug),
          clean(entry.outcome),
          entry.ip,
          JSON.stringify(entry.details).replace(/\\u0000/g, '\\ufffd'),
        ],
      );
    },
    async recent(limit, slug) {
      const { rows } = await publicDb.query<HostAuditEntry & Record<string, unknown>>(
        `SELECT at, action, slug, outcome, ip, details FROM public.host_audit
         WHERE $2::text IS NULL OR slug = $2 ORDER BY id DESC LIMIT $1`,
        [limit, slug ?? null],
      );
      return rows;
    },
  };
}
