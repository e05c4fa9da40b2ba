import type {
  AuditEntry,
  CreateTenantBody,
  MoveTenantReply,
  PatchTenantBody,
  ShardsReply,
  Tenant,
} from '@rosterchirp/protocol/client';
import { call } from '../../lib/http.ts';

/** The host control plane API (docs/API.md), with the admin key the operator typed. */
export function hostApi(key: string) {
  const h = { 'x-host-admin-key': key };
  return {
    list: () => call<{ tenants: Tenant[] }>('GET', '/api/host/tenants', undefined, h),
    create: (body: CreateTenantBody) =>
      call<{ tenant: Tenant; adminPassword: string }>('POST', '/api/host/tenants', body, h),
    update: (slug: string, body: PatchTenantBody) =>
      call<{ tenant: Tenant }>('PATCH', `/api/host/tenants/${encodeURIComponent(slug)}`, body, h),
    shards: () => call<ShardsReply>('GET', '/api/host/shards', undefined, h),
    /** Moves a tenant to another database cluster; resolves when it is there (seconds). */
    move: (slug: string, shard: string) =>
      call<MoveTenantReply>('POST', `/api/host/tenants/${encodeURIComponent(slug)}/move`, { shard }, h),
    audit: (limit = 20) =>
      call<{ entries: AuditEntry[] }>('GET', `/api/host/audit?limit=${limit}`, undefined, h),
    remove: (slug: string) =>
      call<void>('DELETE', `/api/host/tenants/${encodeURIComponent(slug)}`, undefined, h),
  };
}
export type HostApi = ReturnType<typeof hostApi>;
