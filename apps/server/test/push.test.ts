/**
 * Web Push through a local push service that speaks the real protocol: the deployment's VAPID
 * key, subscriptions one per person per device class, endpoints checked, "send me a test"
 * delivered with a valid VAPID signature and an aes128gcm body the subscriber decrypts, a gone
 * subscription (410) deleted, the admins' view, and bad input refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PushStandIn, startPushStandIn } from '@rosterchirp/infra';
import {
  ADMIN,
  api,
  createMember,
  login,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

describe('web push', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let standIn: PushStandIn;
  let adminToken: string;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg, { pushAllowPrivateEndpoints: true });
    standIn = await startPushStandIn();
    adminToken = (await login(server, ADMIN.email, ADMIN.password)).token;
  });
  after(async () => {
    await standIn?.stop();
    await server?.close();
    await pg?.stop();
  });

  it('a test push reaches the device: VAPID-signed, encrypted, decrypted by the subscriber', async () => {
    const member = await createMember(server, adminToken, 'Pia Push');
    const key = await api<{ key: string }>(server, 'GET', '/api/push/vapid-public-key', {
      token: member.token,
    });
    assert.match(key.body.key, /^[A-Za-z0-9_-]{80,}$/);
    const sub = standIn.subscribe();
    const created = await api(server, 'POST', '/api/push/subscriptions', {
      token: member.token,
      body: { subscription: { endpoint: sub.endpoint, keys: sub.keys }, device: 'mobile' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await api(server, 'POST', '/api/push/test', { token: member.token })).status, 202);
    const got = await waitFor('the push at the service', () =>
      standIn.received.find((r) => r.subscriptionId === sub.id),
    );
    assert.equal(got.vapidValid, true, 'signed with the deployment key for this origin');
    assert.equal(got.vapidKey, key.body.key, 'the key the clients were given');
    assert.equal(got.payload.title, 'RosterChirp');
    assert.equal(got.payload.tag, 'test');
    assert.ok(got.ttl > 0);

    const list = await api<{
      subscriptions: Array<{
        userId: number;
        device: string;
        endpointHost: string;
        lastSuccessAt: string | null;
      }>;
    }>(server, 'GET', '/api/push/subscriptions', { token: adminToken });
    const mine = list.body.subscriptions.find((s) => s.userId === member.user.id);
    assert.equal(mine?.device, 'mobile');
    assert.equal(mine?.endpointHost, `127.0.0.1:${standIn.port}`);
    assert.ok(mine?.lastSuccessAt, 'the success is recorded');
    assert.equal((await api(server, 'GET', '/api/push/subscriptions', { token: member.token })).status, 403);
  });

  it('one subscription per device class; a gone one (410) is deleted', async () => {
    const member = await createMember(server, adminToken, 'Gus Gone');
    const first = standIn.subscribe();
    const second = standIn.subscribe();
    for (const s of [first, second]) {
      await api(server, 'POST', '/api/push/subscriptions', {
        token: member.token,
        body: { subscription: { endpoint: s.endpoint, keys: s.keys }, device: 'desktop' },
      });
    }
    const rows = async () =>
      (
        await api<{ subscriptions: Array<{ userId: number }> }>(server, 'GET', '/api/push/subscriptions', {
          token: adminToken,
        })
      ).body.subscriptions.filter((s) => s.userId === member.user.id).length;
    assert.equal(await rows(), 1, 'the second replaced the first on the same device class');
    standIn.expire(second.id);
    await api(server, 'POST', '/api/push/test', { token: member.token });
    await waitFor('the gone subscription deleted', async () => (await rows()) === 0);
  });

  it('endpoints must be https (and public unless allowed); bad bodies are refused', async () => {
    const member = await createMember(server, adminToken, 'Bad Body');
    const keys = standIn.subscribe().keys;
    for (const body of [
      {},
      { subscription: { endpoint: 'http://127.0.0.1/push/x', keys } },
      { subscription: { endpoint: 'not a url', keys } },
      { subscription: { endpoint: 'https://127.0.0.1/push/x', keys: { p256dh: 'x y', auth: 'z' } } },
      { subscription: { endpoint: 'https://127.0.0.1/push/x', keys }, extra: true },
    ]) {
      const res = await api<{ error: { code: string } }>(server, 'POST', '/api/push/subscriptions', {
        token: member.token,
        body,
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    // As shipped, loopback endpoints are refused: a user must not point the server at itself.
    const strict = await startTestServer(pg);
    try {
      const { token } = await login(strict, ADMIN.email, ADMIN.password, 'mobile');
      const res = await api<{ error: { code: string; message: string } }>(
        strict,
        'POST',
        '/api/push/subscriptions',
        {
          token,
          body: { subscription: { endpoint: `https://127.0.0.1:${standIn.port}/push/x`, keys } },
        },
      );
      assert.equal(res.status, 400);
      assert.match(res.body.error.message, /public address/);
    } finally {
      await strict.close();
    }
  });
});
