import { type Pool, type ReplicaReads, type TenantDb, tenantDb } from '@rosterchirp/db';

/**
 * Maps a request's Host header to its tenant database. Self-host: every host is the `public`
 * schema. Host mode (host-tenant-resolver.ts) looks the host up in the tenant catalog through
 * the shared tenant-domain cache.
 */
export interface TenantResolver {
  /** The tenant of a Host header; throws TENANT_NOT_FOUND / TENANT_SUSPENDED (host mode). */
  resolve(host: string | undefined): Promise<TenantDb>;
  /** A tenant database by schema (background jobs, presence expiry). */
  bySchema(schema: string): TenantDb;
  /** Host mode: is this the control plane's own host ({HOST_DOMAIN})? Self-host: never. */
  isControlPlane(host: string | undefined): boolean;
}

export function createSelfhostResolver(pool: Pool, replica?: ReplicaReads): TenantResolver {
  const publicDb = tenantDb(pool, 'public', replica);
  return {
    resolve: async () => publicDb,
    bySchema: (schema) => (schema === 'public' ? publicDb : tenantDb(pool, schema, replica)),
    isControlPlane: () => false,
  };
}
