import { type Pool, type TenantDb, tenantDb } from '@rosterchirp/db';

/**
 * Maps a request's Host header to its tenant database. Self-host: every host is the `public`
 * schema. Host mode adds a resolver over the tenants table and the Redis domain cache.
 */
export interface TenantResolver {
  resolve(host: string | undefined): Promise<TenantDb>;
  /** A tenant database by schema (background jobs, presence expiry). */
  bySchema(schema: string): TenantDb;
}

export function createSelfhostResolver(pool: Pool): TenantResolver {
  const publicDb = tenantDb(pool, 'public');
  return {
    resolve: async () => publicDb,
    bySchema: (schema) => (schema === 'public' ? publicDb : tenantDb(pool, schema)),
  };
}
