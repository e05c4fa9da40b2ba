import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTokenSigner } from '@rosterchirp/domain';
import {
  ADMIN,
  api,
  connectSocket,
  countRows,
  createMember,
  login,
  recordEvents,
  startTestPostgres,
  startTestServer,
  TEST_JWT_SECRET,
  type TestServer,
  waitFor,
} from './harness.ts';

describe('auth', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg);
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
  });

  it('logs the seeded admin in, sets an httpOnly cookie, and /me answers with the user', async () => {
    const res = await api<{ token: string; user: { email: string; role: string } }>(
      server,
      'POST',
      '/api/auth/login',
      {
        body: { email: ADMIN.email.toUpperCase(), password: ADMIN.password },
      },
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.user.email, ADMIN.email);
    assert.equal(res.body.user.role, 'admin');
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /rc_session=/);
    assert.match(cookie, /HttpOnly/);
    const me = await api<{ user: { email: string } }>(server, 'GET', '/api/auth/me', {
      headers: { cookie: cookie.split(';')[0]! },
    });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.email, ADMIN.email);
  });

  it('refuses a wrong password and an unknown email with the same 401', async () => {
    const wrong = await api(server, 'POST', '/api/auth/login', {
      body: { email: ADMIN.email, password: 'nope-nope' },
    });
    const unknown = await api(server, 'POST', '/api/auth/login', {
      body: { email: 'ghost@example.test', password: 'x' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal((wrong.body as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
  });

  it('rejects malformed login bodies with VALIDATION_FAILED naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ password: 'x' }, 'email'],
      [{ email: 'not-an-email', password: 'x' }, 'email'],
      [{ email: ADMIN.email, password: 12345678 }, 'password'],
      [{ email: ADMIN.email, password: 'x', device: 'tablet' }, 'device'],
      [{ email: ADMIN.email, password: 'x', extra: true }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await api<{ error: { code: string; details: { field: string } } }>(
        server,
        'POST',
        '/api/auth/login',
        {
          body,
        },
      );
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.equal(res.body.error.details.field, field);
    }
    const notJson = await api(server, 'POST', '/api/auth/login', { rawBody: '{"email":', headers: {} });
    assert.equal(notJson.status, 400);
    const huge = await api(server, 'POST', '/api/auth/login', {
      body: { email: ADMIN.email, password: 'x'.repeat(100_000) },
    });
    assert.equal(huge.status, 413);
    assert.equal((huge.body as { error: { code: string } }).error.code, 'TOO_LARGE');
  });

  it('answers 401 without a token, with a garbage token and with a forged one', async () => {
    for (const token of [
      undefined,
      'garbage',
      'eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJ4IiwidWlkIjoxLCJzY2giOiJwdWJsaWMifQ.bad',
    ]) {
      const res = await api(server, 'GET', '/api/auth/me', token ? { token } : {});
      assert.equal(res.status, 401);
      assert.equal((res.body as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    }
  });

  it('refuses an expired token and a token of another tenant', async () => {
    const { token, user } = await login(server, ADMIN.email, ADMIN.password, 'mobile');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string };
    const signer = createTokenSigner(TEST_JWT_SECRET);
    const expired = signer.sign({ sid: claims.sid, uid: user.id, sch: 'public' }, -60);
    const res = await api(server, 'GET', '/api/auth/me', { token: expired });
    assert.equal(res.status, 401);
    const otherTenant = signer.sign({ sid: claims.sid, uid: user.id, sch: 'tenant_other' }, 600);
    assert.equal((await api(server, 'GET', '/api/auth/me', { token: otherTenant })).status, 401);
    assert.equal(
      (await api(server, 'GET', '/api/auth/me', { token })).status,
      200,
      'the real token still works',
    );
  });

  it('logout kills the token', async () => {
    const { token } = await login(server, ADMIN.email, ADMIN.password, 'mobile');
    assert.equal((await api(server, 'POST', '/api/auth/logout', { token })).status, 204);
    assert.equal((await api(server, 'GET', '/api/auth/me', { token })).status, 401);
  });

  it('a second login on the same device class displaces the first: old token dead, its socket told and closed', async () => {
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const bob = await createMember(server, admin.token, 'Bob Displaced');
    const socket = await connectSocket(server, bob.token);
    const events = recordEvents(socket);
    const disconnected = new Promise<void>((resolve) => socket.on('disconnect', () => resolve()));
    const other = await login(server, bob.user.email, bob.password, 'mobile');
    assert.equal(
      (await api(server, 'GET', '/api/auth/me', { token: bob.token })).status,
      200,
      'other class keeps it',
    );
    const again = await login(server, bob.user.email, bob.password, 'desktop');
    await waitFor('displaced event', () => events.find((e) => e.event === 'session:displaced'));
    await disconnected;
    assert.equal((await api(server, 'GET', '/api/auth/me', { token: bob.token })).status, 401);
    assert.equal((await api(server, 'GET', '/api/auth/me', { token: again.token })).status, 200);
    assert.equal((await api(server, 'GET', '/api/auth/me', { token: other.token })).status, 200);
    await assert.rejects(connectSocket(server, bob.token), /UNAUTHENTICATED/);
  });

  it('changes a password only with the current one', async () => {
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const carol = await createMember(server, admin.token, 'Carol Change');
    const wrong = await api(server, 'POST', '/api/auth/password', {
      token: carol.token,
      body: { currentPassword: 'wrong-one', newPassword: 'new-password-1' },
    });
    assert.equal(wrong.status, 403);
    const short = await api(server, 'POST', '/api/auth/password', {
      token: carol.token,
      body: { currentPassword: carol.password, newPassword: 'short' },
    });
    assert.equal(short.status, 400);
    await login(server, carol.user.email, carol.password, 'mobile'); // unchanged so far
    const ok = await api(server, 'POST', '/api/auth/password', {
      token: carol.token,
      body: { currentPassword: carol.password, newPassword: 'new-password-1' },
    });
    assert.equal(ok.status, 204);
    await login(server, carol.user.email, 'new-password-1', 'mobile');
    await assert.rejects(login(server, carol.user.email, carol.password, 'mobile'), /401/);
  });

  it('refuses registration while it is closed (the default) and stores nothing', async () => {
    const users = await countRows(server, 'users');
    const res = await api(server, 'POST', '/api/auth/register', {
      body: { email: 'new@example.test', name: 'New Person', password: 'password-123' },
    });
    assert.equal(res.status, 403);
    assert.equal(await countRows(server, 'users'), users);
  });

  it('registers when an admin has opened registration, and refuses a taken email with 409', async () => {
    await server.services.settings.set(server.db, 'registration_open', true);
    try {
      const body = { email: 'joiner@example.test', name: 'Jo Iner', password: 'password-123' };
      const res = await api<{ token: string; user: { handle: string } }>(
        server,
        'POST',
        '/api/auth/register',
        { body },
      );
      assert.equal(res.status, 201);
      assert.equal(res.body.user.handle, 'jo.iner');
      assert.equal((await api(server, 'GET', '/api/auth/me', { token: res.body.token })).status, 200);
      const users = await countRows(server, 'users');
      const again = await api(server, 'POST', '/api/auth/register', {
        body: { ...body, email: 'JOINER@example.test' },
      });
      assert.equal(again.status, 409);
      assert.equal(await countRows(server, 'users'), users);
    } finally {
      await server.services.settings.set(server.db, 'registration_open', false);
    }
  });
});
