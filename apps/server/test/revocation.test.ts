/**
 * Revocation is live: suspension, deletion, a password change or reset, and "sign out that
 * device" close the affected socket.io and /api/stream connections on every instance within a
 * second, and their sends are refused afterwards. Two instances share Redis and Postgres.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RedisHandle, startRedis } from '@rosterchirp/infra';
import type { Group } from '@rosterchirp/protocol';
import {
  ADMIN,
  api,
  connectSocket,
  connectStream,
  createMember,
  login,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
  type TestSocket,
  type TestStream,
  waitFor,
} from './harness.ts';

type Member = Awaited<ReturnType<typeof createMember>>;

/** Fails (instead of hanging the run) when the server never closes the connection. */
const CLOSE_WITHIN_MS = 10_000;
function closedWithin(
  what: string,
  subscribe: (done: () => void) => void,
  already: boolean,
): Promise<number> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    if (already) return resolve(0);
    const timer = setTimeout(
      () => reject(new Error(`${what} was not closed within ${CLOSE_WITHIN_MS} ms`)),
      CLOSE_WITHIN_MS,
    );
    subscribe(() => {
      clearTimeout(timer);
      resolve(Date.now() - start);
    });
  });
}

/** Resolves with the time from now until the socket is disconnected by the server. */
function socketClosed(socket: TestSocket): Promise<number> {
  return closedWithin('the socket', (done) => socket.once('disconnect', done), !socket.connected);
}

function streamClosed(stream: TestStream): Promise<number> {
  return closedWithin(
    'the stream',
    (done) => stream.ws.once('close', done),
    stream.ws.readyState === stream.ws.CLOSED,
  );
}

describe('revocation is live on every instance', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let redis: RedisHandle;
  let a: TestServer;
  let b: TestServer;
  let adminToken: string;
  let general: number;

  before(async () => {
    pg = await startTestPostgres();
    redis = await startRedis();
    a = await startTestServer(pg, { instanceId: 'A', redisUrl: redis.url });
    b = await startTestServer(pg, { instanceId: 'B', redisUrl: redis.url });
    adminToken = (await login(a, ADMIN.email, ADMIN.password)).token;
    general = (
      await api<{ groups: Group[] }>(a, 'GET', '/api/groups', { token: adminToken })
    ).body.groups.find((g) => g.type === 'public')!.id;
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
    await pg?.stop();
  });

  /** A member with a socket on A, a socket on B and a stream on B. */
  async function connected(name: string) {
    const member = await createMember(a, adminToken, name);
    const socketA = await connectSocket(a, member.token);
    const socketB = await connectSocket(b, member.token);
    const stream = await connectStream(b, member.token);
    const ack = await socketB.emitWithAck('message:send', {
      groupId: general,
      clientId: `${name.replace(/\W/g, '-')}-before`,
      content: 'hi',
    });
    assert.equal(ack.ok, true, `positive control: sends work before ${JSON.stringify(ack)}`);
    return { member, socketA, socketB, stream };
  }

  async function assertAllClosedWithinASecond(
    c: Awaited<ReturnType<typeof connected>>,
    act: () => Promise<unknown>,
  ) {
    const closed = Promise.all([socketClosed(c.socketA), socketClosed(c.socketB), streamClosed(c.stream)]);
    const started = Date.now();
    await act();
    const times = await closed;
    const slowest = Date.now() - started;
    assert.ok(slowest < 1000, `every connection closed within a second (took ${slowest} ms: ${times})`);
  }

  async function refused(member: Member, server: TestServer) {
    const res = await sendMessage(server, member.token, general, 'after revocation');
    assert.equal(res.status, 401, 'REST sends are refused');
    await assert.rejects(connectSocket(server, member.token), /UNAUTHENTICATED/, 'no new socket');
    await assert.rejects(connectStream(server, member.token), /stream refused: 401/, 'no new stream');
  }

  it('suspension closes every connection, refuses sign-in, and unsuspending restores it', async () => {
    const c = await connected('Sam Suspended');
    await assertAllClosedWithinASecond(c, async () => {
      const res = await api<{ user: { status: string } }>(
        a,
        'POST',
        `/api/users/${c.member.user.id}/suspend`,
        {
          token: adminToken,
        },
      );
      assert.equal(res.status, 200);
      assert.equal(res.body.user.status, 'suspended');
    });
    await refused(c.member, a);
    await refused(c.member, b);
    const signIn = await api<{ error: { message: string } }>(a, 'POST', '/api/auth/login', {
      body: { email: c.member.user.email, password: c.member.password },
    });
    assert.equal(signIn.status, 403);
    assert.match(signIn.body.error.message, /suspended/);
    assert.equal(
      (await api(a, 'POST', `/api/users/${c.member.user.id}/unsuspend`, { token: adminToken })).status,
      200,
    );
    await login(a, c.member.user.email, c.member.password);
  });

  it('deletion closes every connection and scrubs the account', async () => {
    const c = await connected('Dora Deleted');
    const dm = (
      await api<{ group: Group }>(a, 'POST', '/api/groups', {
        token: adminToken,
        body: { type: 'direct', memberIds: [c.member.user.id] },
      })
    ).body.group.id;
    await sendMessage(a, c.member.token, dm, 'my secret plan');
    await assertAllClosedWithinASecond(c, async () => {
      assert.equal(
        (await api(a, 'DELETE', `/api/users/${c.member.user.id}`, { token: adminToken })).status,
        204,
      );
    });
    await refused(c.member, b);
    const { rows } = await a.pool.query(
      'SELECT email, name, status, password_hash FROM public.users WHERE id = $1',
      [c.member.user.id],
    );
    assert.deepEqual(rows[0], {
      email: `deleted_${c.member.user.id}@deleted`,
      name: 'Deleted User',
      status: 'deleted',
      password_hash: null,
    });
    const left = await a.pool.query(
      "SELECT count(*)::int AS n FROM public.messages WHERE author_id = $1 AND (content <> '' OR deleted_at IS NULL)",
      [c.member.user.id],
    );
    assert.equal(left.rows[0].n, 0, 'their messages are emptied and marked deleted');
    const again = await api(a, 'POST', '/api/users', {
      token: adminToken,
      body: { email: c.member.user.email, name: 'Dora Again', password: 'another-password-1' },
    });
    assert.equal(again.status, 201, 'the address is free again');
    const convo = await api<{ groups: Array<Group & { readonly: boolean }> }>(a, 'GET', '/api/groups', {
      token: adminToken,
    });
    assert.equal(convo.body.groups.find((g) => g.id === dm)?.readonly, true, 'the direct chat is read-only');
  });

  it('a password change ends the other sessions, live, and keeps this one', async () => {
    const c = await connected('Pat Password');
    const phone = await login(a, c.member.user.email, c.member.password, 'mobile');
    const phoneSocket = await connectSocket(b, phone.token);
    await assertAllClosedWithinASecond(
      { ...c, socketA: phoneSocket, socketB: phoneSocket, stream: await connectStream(a, phone.token) },
      async () => {
        const res = await api(a, 'POST', '/api/auth/password', {
          token: c.member.token,
          body: { currentPassword: c.member.password, newPassword: 'a-brand-new-password-1' },
        });
        assert.equal(res.status, 204);
      },
    );
    await refused({ ...c.member, token: phone.token }, a);
    // This device stays signed in and connected (positive control).
    assert.equal(c.socketA.connected && c.socketB.connected, true);
    const ack = await c.socketA.emitWithAck('message:send', {
      groupId: general,
      clientId: 'pat-after',
      content: 'still here',
    });
    assert.equal(ack.ok, true);
    for (const s of [c.socketA, c.socketB]) s.close();
    c.stream.close();
  });

  it('an admin password reset ends every session', async () => {
    const c = await connected('Rita Reset');
    let password = '';
    await assertAllClosedWithinASecond(c, async () => {
      const res = await api<{ password: string }>(
        a,
        'POST',
        `/api/users/${c.member.user.id}/reset-password`,
        {
          token: adminToken,
        },
      );
      assert.equal(res.status, 200);
      password = res.body.password;
    });
    await refused(c.member, b);
    await login(a, c.member.user.email, password);
  });

  it('"sign out that device" closes that device only', async () => {
    const c = await connected('Dev Devices');
    const phone = await login(a, c.member.user.email, c.member.password, 'mobile');
    const phoneSocket = await connectSocket(b, phone.token);
    const listed = await api<{ sessions: Array<{ id: string; device: string; current: boolean }> }>(
      a,
      'GET',
      '/api/auth/sessions',
      { token: c.member.token },
    );
    assert.equal(listed.body.sessions.length, 2);
    const other = listed.body.sessions.find((s) => !s.current);
    assert.equal(other?.device, 'mobile');
    const closed = socketClosed(phoneSocket);
    const started = Date.now();
    assert.equal(
      (await api(a, 'DELETE', `/api/auth/sessions/${other!.id}`, { token: c.member.token })).status,
      204,
    );
    await closed;
    assert.ok(Date.now() - started < 1000);
    await refused({ ...c.member, token: phone.token }, a);
    assert.ok(c.socketA.connected && c.socketB.connected, 'the desktop stays connected');
    assert.equal(
      (await api(a, 'DELETE', `/api/auth/sessions/${other!.id}`, { token: c.member.token })).status,
      404,
    );
    assert.equal(
      (await api(a, 'DELETE', '/api/auth/sessions/not-a-uuid', { token: c.member.token })).status,
      400,
    );
    const outsider = await createMember(a, adminToken, 'Olga Other');
    const mine = listed.body.sessions.find((s) => s.current)!;
    assert.equal(
      (await api(a, 'DELETE', `/api/auth/sessions/${mine.id}`, { token: outsider.token })).status,
      404,
      "nobody signs out someone else's device",
    );
    await waitFor('still connected', () => c.socketA.connected);
    for (const s of [c.socketA, c.socketB]) s.close();
    c.stream.close();
  });

  it('admins cannot suspend or delete themselves; members cannot touch anyone', async () => {
    const me = (await api<{ user: { id: number } }>(a, 'GET', '/api/auth/me', { token: adminToken })).body
      .user.id;
    assert.equal((await api(a, 'POST', `/api/users/${me}/suspend`, { token: adminToken })).status, 403);
    assert.equal((await api(a, 'DELETE', `/api/users/${me}`, { token: adminToken })).status, 403);
    const member = await createMember(a, adminToken, 'Max Member');
    assert.equal((await api(a, 'POST', `/api/users/${me}/suspend`, { token: member.token })).status, 403);
    assert.equal((await api(a, 'POST', '/api/users/999999/suspend', { token: adminToken })).status, 404);
  });
});
