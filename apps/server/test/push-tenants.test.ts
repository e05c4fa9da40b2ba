/**
 * Push notifications never cross tenants: two tenants on one deployment (host mode), the same
 * conversation ids and message ids in both, each member with a subscribed device — a message
 * in one tenant reaches only that tenant's devices.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PushStandIn, startPushStandIn } from '@rosterchirp/infra';
import type { Group, Message } from '@rosterchirp/protocol';
import { sleep, startTestPostgres, startTestServer, type TestServer, waitFor } from './harness.ts';
import { createTenant, hostMode, type TestTenant, tenantApi, tenantLogin } from './host-kit.ts';

describe('push notifications stay in their tenant', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let standIn: PushStandIn;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg, { hostMode, pushAllowPrivateEndpoints: true });
    standIn = await startPushStandIn();
  });
  after(async () => {
    await standIn?.stop();
    await server?.close();
    await pg?.stop();
  });

  /** A member of the tenant with level "all" on its public channel and one device. */
  async function listener(t: TestTenant, name: string) {
    const email = `${name.toLowerCase()}@${t.tenant.slug}.example`;
    const created = await tenantApi(server, t.host, 'POST', '/api/users', {
      token: t.admin.token,
      body: { email, name, password: 'listener-password-1' },
    });
    assert.equal(created.status, 201);
    const { token } = await tenantLogin(server, t.host, email, 'listener-password-1');
    const channel = (
      await tenantApi<{ groups: Group[] }>(server, t.host, 'GET', '/api/groups', { token })
    ).body.groups.find((g) => g.type === 'public')!.id;
    assert.equal(
      (
        await tenantApi(server, t.host, 'PUT', `/api/groups/${channel}/notifications`, {
          token,
          body: { level: 'all' },
        })
      ).status,
      204,
    );
    const device = standIn.subscribe();
    const sub = await tenantApi(server, t.host, 'POST', '/api/push/subscriptions', {
      token,
      body: { subscription: { endpoint: device.endpoint, keys: device.keys } },
    });
    assert.equal(sub.status, 201);
    return { device, channel };
  }

  it('a message in one tenant notifies only that tenant’s devices', async () => {
    const alpha = await createTenant(server, 'alpha');
    const bravo = await createTenant(server, 'bravo');
    const a = await listener(alpha, 'Ada');
    const b = await listener(bravo, 'Ben');
    assert.equal(a.channel, b.channel, 'the same conversation id in both tenants');

    const sent = await tenantApi<{ message: Message }>(
      server,
      alpha.host,
      'POST',
      `/api/groups/${a.channel}/messages`,
      {
        token: alpha.admin.token,
        body: { clientId: 'alpha-1', content: 'Alpha only' },
      },
    );
    assert.equal(sent.status, 201);
    await waitFor(
      'the alpha push',
      () => standIn.received.some((r) => r.subscriptionId === a.device.id),
      10_000,
    );
    const fromBravo = await tenantApi<{ message: Message }>(
      server,
      bravo.host,
      'POST',
      `/api/groups/${b.channel}/messages`,
      {
        token: bravo.admin.token,
        body: { clientId: 'alpha-1', content: 'Bravo only' },
      },
    );
    assert.equal(fromBravo.status, 201);
    await waitFor(
      'the bravo push',
      () => standIn.received.some((r) => r.subscriptionId === b.device.id),
      10_000,
    );
    await sleep(700);
    const bodies = (id: string) =>
      standIn.received.filter((r) => r.subscriptionId === id).map((r) => r.payload.body);
    assert.deepEqual(bodies(a.device.id), ['alpha Admin: Alpha only']);
    assert.deepEqual(bodies(b.device.id), ['bravo Admin: Bravo only']);
  });
});
