import type { Tenant, User } from '@rosterchirp/protocol';
import {
  type ApiResult,
  api,
  connectSocket,
  connectStream,
  type TestServer,
  type TestSocket,
  type TestStream,
} from './harness.ts';

/** Host-mode helpers: every call names the Host it is for, as a browser behind Caddy would. */
export const HOST_DOMAIN = 'chat.test';
export const ADMIN_KEY = 'host-admin-key-for-tests-0123456789';
export const hostMode = { domain: HOST_DOMAIN, adminKey: ADMIN_KEY };
export const hostOf = (slug: string) => `${slug}.${HOST_DOMAIN}`;

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** The control plane API, on HOST_DOMAIN with the admin key (or `key` when given). */
export function hostApi<T = Record<string, unknown>>(
  server: TestServer,
  method: Method,
  url: string,
  body?: unknown,
  opts: { key?: string | null; host?: string } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { host: opts.host ?? HOST_DOMAIN };
  const key = opts.key === undefined ? ADMIN_KEY : opts.key;
  if (key !== null) headers['x-host-admin-key'] = key;
  return api<T>(server, method, url, { headers, ...(body === undefined ? {} : { body }) });
}

/** A tenant's API at `host`. */
export function tenantApi<T = Record<string, unknown>>(
  server: TestServer,
  host: string,
  method: Method,
  url: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<ApiResult<T>> {
  return api<T>(server, method, url, { ...opts, headers: { host } });
}

export interface TestTenant {
  tenant: Tenant;
  host: string;
  admin: { email: string; password: string; token: string; user: User };
}

/** Provisions a tenant through the control plane and signs its admin in. */
export async function createTenant(
  server: TestServer,
  slug: string,
  plan: 'chat' | 'brand' | 'team' = 'team',
): Promise<TestTenant> {
  const email = `admin@${slug}.example`;
  const res = await hostApi<{ tenant: Tenant; adminPassword: string }>(server, 'POST', '/api/host/tenants', {
    slug,
    name: `${slug} Inc`,
    plan,
    adminEmail: email,
    adminName: `${slug} Admin`,
  });
  if (res.status !== 201) throw new Error(`create tenant failed: ${res.status} ${JSON.stringify(res.body)}`);
  const host = hostOf(slug);
  const signedIn = await tenantLogin(server, host, email, res.body.adminPassword);
  return { tenant: res.body.tenant, host, admin: { email, password: res.body.adminPassword, ...signedIn } };
}

export async function tenantLogin(
  server: TestServer,
  host: string,
  email: string,
  password: string,
): Promise<{ token: string; user: User }> {
  const res = await tenantApi<{ token: string; user: User }>(server, host, 'POST', '/api/auth/login', {
    body: { email, password },
  });
  if (res.status !== 200)
    throw new Error(`login at ${host} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const tenantSocket = (server: TestServer, host: string, token: string): Promise<TestSocket> =>
  connectSocket(server, token, { host });

export const tenantStream = (server: TestServer, host: string, token: string): Promise<TestStream> =>
  connectStream(server, token, 'header', { host });
