import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CreateUploadReply, Tenant } from '@rosterchirp/protocol';
import {
  LATEST_MIGRATION_TABLE,
  putBehindLatestMigration,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';
import {
  ADMIN_KEY,
  createTenant,
  HOST_DOMAIN,
  hostApi,
  hostMode,
  hostOf,
  type TestTenant,
  tenantApi,
  tenantLogin,
  tenantSocket,
  tenantStream,
} from './host-kit.ts';

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
const PNG = readFileSync(join(process.cwd(), 'apps', 'web', 'public', 'icon-192.png'));

describe('host mode: control plane, tenant resolution, plans, lifecycle', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let acme: TestTenant;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg, { hostMode });
    acme = await createTenant(server, 'acme');
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
  });

  const schemaExists = async (schema: string) =>
    (await server.pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;

  it('guards the control plane with the admin key, on HOST_DOMAIN only, and audits refusals', async () => {
    const missing = await hostApi<ErrorBody>(server, 'GET', '/api/host/tenants', undefined, { key: null });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.code, 'UNAUTHENTICATED');
    const wrong = await hostApi<ErrorBody>(server, 'GET', '/api/host/tenants', undefined, {
      key: `${ADMIN_KEY}x`,
    });
    assert.equal(wrong.status, 401);
    const onTenantHost = await hostApi<ErrorBody>(server, 'GET', '/api/host/tenants', undefined, {
      host: acme.host,
    });
    assert.equal(onTenantHost.status, 404, 'a tenant host never exposes the control plane');
    const { rows } = await server.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM public.host_audit WHERE outcome LIKE 'refused%'",
    );
    assert.ok(rows[0]!.n >= 2);
    const listed = await hostApi<{ tenants: Tenant[] }>(server, 'GET', '/api/host/tenants');
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.tenants.map((t) => [t.slug, t.plan, t.status, t.schema, t.shard]),
      [['acme', 'team', 'active', 'tenant_acme', 'main']],
    );
    assert.equal(listed.body.tenants[0]!.url, `http://${hostOf('acme')}`);
  });

  it('refuses bad tenant input with field-level errors and creates nothing', async () => {
    const base = { slug: 'okay', name: 'Okay', plan: 'team', adminEmail: 'a@okay.example', adminName: 'A' };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...base, slug: 'Bad_Slug' }, 400, 'slug'],
      [{ ...base, slug: 'x' }, 400, 'slug'],
      [{ ...base, slug: 'www' }, 400, 'slug'],
      [{ ...base, plan: 'gold' }, 400, 'plan'],
      [{ ...base, adminEmail: 'nope' }, 400, 'adminEmail'],
      [{ ...base, adminPassword: 'short' }, 400, 'adminPassword'],
      [{ ...base, extra: 1 }, 400, 'extra'],
      [{ ...base, slug: 'acme' }, 409, 'slug'],
    ];
    for (const [body, status, field] of cases) {
      const res = await hostApi<ErrorBody>(server, 'POST', '/api/host/tenants', body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.error.details?.field, field, JSON.stringify(res.body));
    }
    const patch = await hostApi<ErrorBody>(server, 'PATCH', '/api/host/tenants/acme', {});
    assert.equal(patch.status, 400);
    const unknown = await hostApi<ErrorBody>(server, 'PATCH', '/api/host/tenants/nobody', { name: 'X' });
    assert.equal(unknown.status, 404);
    assert.equal((await hostApi(server, 'DELETE', '/api/host/tenants/nobody')).status, 404);
    assert.equal(await schemaExists('tenant_okay'), false);
  });

  it('a NUL byte in a tenant field is a 400, audited as refused, and changes nothing', async () => {
    const base = {
      slug: 'nul',
      name: 'Nul\u0000Corp',
      plan: 'team',
      adminEmail: 'a@nul.example',
      adminName: 'A',
    };
    const created = await hostApi<ErrorBody>(server, 'POST', '/api/host/tenants', base);
    assert.equal(created.status, 400);
    assert.equal(created.body.error.code, 'VALIDATION_FAILED');
    assert.equal(created.body.error.details?.field, 'name');
    const renamed = await hostApi<ErrorBody>(server, 'PATCH', '/api/host/tenants/acme', {
      name: 'Ac\u0000me',
    });
    assert.equal(renamed.status, 400);
    assert.equal(await schemaExists('tenant_nul'), false);
    const { rows } = await server.pool.query<{
      action: string;
      slug: string;
      outcome: string;
      details: unknown;
    }>(
      "SELECT action, slug, outcome, details FROM public.host_audit WHERE outcome LIKE 'refused: name%' ORDER BY id",
    );
    assert.deepEqual(
      rows.map((r) => [r.action, r.slug]),
      [
        ['tenant.create', 'nul'],
        ['tenant.update', 'acme'],
      ],
    );
    assert.match(
      JSON.stringify(rows[0]?.details),
      /Nul\uFFFDCorp|Nul�Corp/,
      'the refused input is kept, NUL shown as U+FFFD',
    );
  });

  it('resolves tenants from Host: subdomain, unknown (JSON and page), and HOST_DOMAIN itself', async () => {
    const me = await tenantApi<{ user: { email: string } }>(server, acme.host, 'GET', '/api/auth/me', {
      token: acme.admin.token,
    });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.email, acme.admin.email);
    const groups = await tenantApi<{ groups: Array<{ name: string }> }>(
      server,
      acme.host,
      'GET',
      '/api/groups',
      {
        token: acme.admin.token,
      },
    );
    assert.deepEqual(
      groups.body.groups.map((g) => g.name),
      ['General Chat'],
    );
    const unknown = await tenantApi<ErrorBody>(server, hostOf('ghost'), 'GET', '/api/auth/me');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'TENANT_NOT_FOUND');
    const stranger = await tenantApi<ErrorBody>(server, 'evil.example', 'POST', '/api/auth/login', {
      body: { email: acme.admin.email, password: acme.admin.password },
    });
    assert.equal(stranger.body.error.code, 'TENANT_NOT_FOUND');
    const page = await server.app.inject({
      method: 'GET',
      url: '/',
      headers: { host: hostOf('ghost'), accept: 'text/html' },
    });
    assert.equal(page.statusCode, 404);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /No organisation here/);
    const health = await tenantApi(server, 'ghost.elsewhere', 'GET', '/api/health');
    assert.equal(health.status, 200, 'health answers on any Host (the balancer uses addresses)');
    // A token of one tenant is not a token of another, even with the same user id.
    const cross = await tenantApi<ErrorBody>(server, HOST_DOMAIN, 'GET', '/api/auth/me', {
      token: acme.admin.token,
    });
    assert.equal(cross.status, 401);
  });

  it('a plan change is enforced by the API and pushed to clients live', async () => {
    const socket = await tenantSocket(server, acme.host, acme.admin.token);
    const updates: unknown[] = [];
    socket.on('features:updated', (p) => updates.push(p));
    try {
      const features = async () =>
        (
          await tenantApi<{ plan: string; features: Record<string, boolean> }>(
            server,
            acme.host,
            'GET',
            '/api/features',
            {
              token: acme.admin.token,
            },
          )
        ).body;
      assert.deepEqual(await features(), {
        plan: 'team',
        features: { feature_branding: true, feature_group_manager: true, feature_schedule_manager: true },
        calls: false,
      });
      const res = await hostApi<{ tenant: Tenant }>(server, 'PATCH', '/api/host/tenants/acme', {
        plan: 'chat',
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.tenant.plan, 'chat');
      await waitFor('features:updated', () => updates.length === 1);
      assert.deepEqual(updates[0], {
        plan: 'chat',
        features: { feature_branding: false, feature_group_manager: false, feature_schedule_manager: false },
      });
      const refused = await tenantApi<ErrorBody>(server, acme.host, 'POST', '/api/usergroups', {
        token: acme.admin.token,
        body: { name: 'Coaches', memberIds: [] },
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'FEATURE_DISABLED');
      await hostApi(server, 'PATCH', '/api/host/tenants/acme', { plan: 'team' });
      const allowed = await tenantApi(server, acme.host, 'POST', '/api/usergroups', {
        token: acme.admin.token,
        body: { name: 'Coaches', memberIds: [] },
      });
      assert.equal(allowed.status, 201);
    } finally {
      socket.close();
    }
  });

  it('suspending closes every connection and refuses the tenant; resuming restores it', async () => {
    const socket = await tenantSocket(server, acme.host, acme.admin.token);
    const stream = await tenantStream(server, acme.host, acme.admin.token);
    const closed: unknown[] = [];
    socket.on('tenant:closed', (p) => closed.push(p));
    const streamClosed = new Promise((resolve) => stream.ws.once('close', resolve));
    const res = await hostApi<{ tenant: Tenant }>(server, 'PATCH', '/api/host/tenants/acme', {
      status: 'suspended',
    });
    assert.equal(res.body.tenant.status, 'suspended');
    await waitFor('socket disconnected', () => !socket.connected);
    assert.deepEqual(closed, [{ reason: 'suspended' }]);
    await streamClosed;
    assert.ok(stream.frames.some((f) => f.type === 'tenant:closed'));
    const refused = await tenantApi<ErrorBody>(server, acme.host, 'GET', '/api/groups', {
      token: acme.admin.token,
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'TENANT_SUSPENDED');
    const page = await server.app.inject({
      method: 'GET',
      url: '/',
      headers: { host: acme.host, accept: 'text/html' },
    });
    assert.equal(page.statusCode, 403);
    assert.match(page.body, /Organisation suspended/);
    await assert.rejects(tenantSocket(server, acme.host, acme.admin.token));
    await hostApi(server, 'PATCH', '/api/host/tenants/acme', { status: 'active' });
    const back = await tenantApi(server, acme.host, 'GET', '/api/groups', { token: acme.admin.token });
    assert.equal(back.status, 200, 'sessions survive a suspension');
  });

  it('custom domains: validated, unique, served, answered by domain-check, and removable', async () => {
    const beta = await createTenant(server, 'beta', 'brand');
    const underUs = await hostApi<ErrorBody>(server, 'PATCH', '/api/host/tenants/acme', {
      customDomain: `x.${HOST_DOMAIN}`,
    });
    assert.equal(underUs.status, 400);
    const malformed = await hostApi<ErrorBody>(server, 'PATCH', '/api/host/tenants/acme', {
      customDomain: 'http://chat.acme.example',
    });
    assert.equal(malformed.status, 400);
    const check = (domain: string) =>
      hostApi(server, 'GET', `/api/host/domain-check?domain=${encodeURIComponent(domain)}`, undefined, {
        key: null,
        host: '127.0.0.1:3000',
      });
    assert.equal((await check('chat.acme.example')).status, 404);
    // Cache a miss first: the change must still be seen at once.
    assert.equal((await tenantApi(server, 'chat.acme.example', 'GET', '/api/auth/me')).status, 404);
    const set = await hostApi<{ tenant: Tenant }>(server, 'PATCH', '/api/host/tenants/acme', {
      customDomain: 'chat.acme.example',
    });
    assert.equal(set.status, 200);
    assert.equal(set.body.tenant.url, 'http://chat.acme.example');
    const taken = await hostApi<ErrorBody>(server, 'PATCH', '/api/host/tenants/beta', {
      customDomain: 'chat.acme.example',
    });
    assert.equal(taken.status, 409);
    const viaDomain = await tenantApi<{ user: { email: string } }>(
      server,
      'Chat.Acme.Example:443',
      'GET',
      '/api/auth/me',
      {
        token: acme.admin.token,
      },
    );
    assert.equal(viaDomain.status, 200);
    assert.equal(viaDomain.body.user.email, acme.admin.email);
    assert.equal((await check('chat.acme.example')).status, 200);
    assert.equal((await check(beta.host)).status, 200);
    assert.equal((await check(HOST_DOMAIN)).status, 200);
    assert.equal((await check('unknown.example')).status, 404);
    assert.equal((await check('')).status, 400);
    await hostApi(server, 'PATCH', '/api/host/tenants/beta', { status: 'suspended' });
    assert.equal((await check(beta.host)).status, 404, 'no certificates for suspended tenants');
    await hostApi(server, 'PATCH', '/api/host/tenants/acme', { customDomain: null });
    assert.equal((await check('chat.acme.example')).status, 404);
    assert.equal((await tenantApi(server, 'chat.acme.example', 'GET', '/api/auth/me')).status, 404);
  });

  it('delete drops the schema and disconnects at once, a job deletes the stored objects; the slug can be reused', async () => {
    const gone = await createTenant(server, 'gone');
    const issued = await tenantApi<CreateUploadReply>(server, gone.host, 'POST', '/api/uploads', {
      token: gone.admin.token,
      body: { kind: 'image', contentType: 'image/png', size: PNG.length },
    });
    assert.equal(issued.status, 201);
    const put = await server.app.inject({
      method: 'PUT',
      url: issued.body.uploadUrl,
      headers: { host: gone.host, authorization: `Bearer ${gone.admin.token}`, 'content-type': 'image/png' },
      payload: PNG,
    });
    assert.equal(put.statusCode, 204);
    assert.ok(issued.body.key.startsWith('tenant_gone/'));
    assert.equal((await server.services.storage.list('tenant_gone/')).length, 1);
    const socket = await tenantSocket(server, gone.host, gone.admin.token);
    const del = await hostApi(server, 'DELETE', '/api/host/tenants/gone');
    assert.equal(del.status, 204);
    await waitFor('socket disconnected', () => !socket.connected);
    assert.equal(await schemaExists('tenant_gone'), false);
    // The objects go in a job off the request; the slug stays taken until it is done.
    await waitFor('the objects deleted by the job', async () => {
      const { rows } = await server.pool.query("SELECT 1 FROM public.tenants WHERE slug = 'gone'");
      return rows.length === 0;
    });
    assert.deepEqual(await server.services.storage.list('tenant_gone/'), []);
    const after = await tenantApi<ErrorBody>(server, gone.host, 'GET', '/api/auth/me', {
      token: gone.admin.token,
    });
    assert.equal(after.body.error.code, 'TENANT_NOT_FOUND');
    const again = await createTenant(server, 'gone', 'chat');
    assert.equal(again.tenant.plan, 'chat');
    const old = await tenantApi(server, gone.host, 'GET', '/api/auth/me', { token: gone.admin.token });
    assert.equal(old.status, 401, "the old tenant's tokens mean nothing to the new one");
  });

  it('a create that died half-way is resumed by the next create', async () => {
    // What a crash after the catalog insert and part of the migrations leaves behind.
    await server.pool.query(
      "INSERT INTO public.tenants (slug, name, plan, schema_name) VALUES ('half', 'Half', 'team', 'tenant_half')",
    );
    await server.pool.query('CREATE SCHEMA tenant_half');
    const halfHost = hostOf('half');
    assert.equal(
      (await tenantApi(server, halfHost, 'GET', '/api/auth/me')).status,
      404,
      'not served while provisioning',
    );
    const listed = await hostApi<{ tenants: Tenant[] }>(server, 'GET', '/api/host/tenants');
    assert.equal(listed.body.tenants.find((t) => t.slug === 'half')?.status, 'provisioning');
    const res = await hostApi<{ tenant: Tenant; adminPassword: string }>(
      server,
      'POST',
      '/api/host/tenants',
      {
        slug: 'half',
        name: 'Half Done',
        plan: 'brand',
        adminEmail: 'boss@half.example',
        adminName: 'Boss',
        adminPassword: 'chosen-password-1',
      },
    );
    assert.equal(res.status, 201);
    assert.equal(res.body.tenant.status, 'active');
    assert.equal(res.body.adminPassword, 'chosen-password-1');
    await tenantLogin(server, halfHost, 'boss@half.example', 'chosen-password-1');
  });

  it('a tenant behind on migrations is migrated before its first request is served', async () => {
    const lag = await createTenant(server, 'lag');
    await putBehindLatestMigration(server.pool, 'tenant_lag');
    // A fresh instance has not seen the tenant yet (as after a deploy of a new release).
    const fresh = await startTestServer(pg, { hostMode, instanceId: 'fresh' });
    try {
      const res = await tenantApi(fresh, lag.host, 'GET', '/api/groups', { token: lag.admin.token });
      assert.equal(res.status, 200);
      const { rows } = await fresh.pool.query(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = 'tenant_lag' AND table_name = $1",
        [LATEST_MIGRATION_TABLE],
      );
      assert.equal(rows.length, 1);
    } finally {
      await fresh.close();
    }
  });

  it('the audit log lists what the control plane did, newest first, filterable by tenant', async () => {
    const res = await hostApi<{ entries: Array<{ action: string; slug: string | null; outcome: string }> }>(
      server,
      'GET',
      '/api/host/audit?slug=acme&limit=500',
    );
    assert.equal(res.status, 200);
    const actions = res.body.entries.map((e) => `${e.action} ${e.outcome.split(':')[0]}`);
    assert.ok(actions.includes('tenant.create ok'));
    assert.ok(actions.includes('tenant.update ok'));
    assert.ok(actions.includes('tenant.update failed'), 'refused changes are audited too');
    assert.ok(res.body.entries.every((e) => e.slug === 'acme'));
    assert.equal(actions.at(-1), 'tenant.create ok', 'newest first: the create is the oldest');
    const bad = await hostApi<ErrorBody>(server, 'GET', '/api/host/audit?limit=0');
    assert.equal(bad.status, 400);
    const noKey = await hostApi(server, 'GET', '/api/host/audit', undefined, { key: null });
    assert.equal(noKey.status, 401);
  });

  it('after 10 wrong admin keys a minute an address gets 429, while the right key still works', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(
        (await hostApi(server, 'GET', '/api/host/tenants', undefined, { key: `wrong-${i}` })).status,
      );
    }
    assert.ok(
      statuses.slice(0, 7).every((s) => s === 401),
      JSON.stringify(statuses),
    );
    assert.equal(statuses.at(-1), 429);
    assert.equal((await hostApi(server, 'GET', '/api/host/tenants')).status, 200);
  });
});
