/**
 * The findings of an outside security probe, each with the attack that worked before: spoofed
 * client addresses, tokens in logs, missing headers, NUL bytes, malformed multipart, typing and
 * reaction floods, cross-site writes, connection floods, and odd-but-signed tokens.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createTokenSigner } from '@rosterchirp/domain';
import { createLogger } from '../src/logger.ts';
import {
  ADMIN,
  api,
  connectSocket,
  connectStream,
  countRows,
  createMember,
  createPrivateGroup,
  login,
  publicChannel,
  recordEvents,
  sendMessage,
  socketBarrier,
  startTestPostgres,
  startTestServer,
  TEST_JWT_SECRET,
  type TestServer,
  type TestSocket,
  waitFor,
} from './harness.ts';

type Member = Awaited<ReturnType<typeof createMember>>;

describe('security hardening', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let logLines: string[];
  let adminToken: string;
  let alice: Member;
  let bob: Member;
  let room: number;
  let general: number;

  before(async () => {
    pg = await startTestPostgres();
    logLines = [];
    const capture = new Writable({
      write(chunk, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ logLevel: 'debug', instanceId: 'security-test' }, capture);
    server = await startTestServer(pg, {
      log,
      rateLimits: {
        loginPerMinute: 10,
        sendPer10Seconds: 10_000,
        hostAdminPerMinute: 600,
        reactionsPer10Seconds: 20,
      },
      connectionLimits: { perUser: 5, perAddress: 1000 },
    });
    adminToken = (await login(server, ADMIN.email, ADMIN.password)).token;
    alice = await createMember(server, adminToken, 'Alice Secure');
    bob = await createMember(server, adminToken, 'Bob Secure');
    room = await createPrivateGroup(server, alice.token, 'Secure room', [bob.user.id]);
    general = await publicChannel(server, alice.token);
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
  });

  describe('client address (TRUST_PROXY off by default)', () => {
    it('rotating X-Forwarded-For does not get past the per-address sign-in limit', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) {
        const res = await server.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: '93.184.216.7',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}` },
          payload: JSON.stringify({ email: `nobody${i}@example.test`, password: 'wrong-password' }),
        });
        statuses.push(res.statusCode);
      }
      assert.ok(statuses.includes(429), `some attempts are limited: ${statuses.join(',')}`);
      assert.equal(statuses.filter((s) => s === 401).length, 30, '3× the per-email limit per address');
    });

    it('a forged private X-Forwarded-For does not open /metrics to a public address', async () => {
      const res = await server.app.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress: '93.184.216.8',
        headers: { 'x-forwarded-for': '10.0.0.1' },
      });
      assert.equal(res.statusCode, 404, '/metrics stays hidden');
      const own = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
      assert.equal(own.statusCode, 200, 'positive control: a private peer is served');
    });

    it('with TRUST_PROXY naming the proxy, its X-Forwarded-For is the client', async () => {
      const behindProxy = await startTestServer(pg, { trustProxy: ['loopback'] });
      try {
        const viaProxy = await behindProxy.app.inject({
          method: 'GET',
          url: '/metrics',
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': '93.184.216.9' },
        });
        assert.equal(viaProxy.statusCode, 404, 'the public client behind the proxy is refused');
        const notProxy = await behindProxy.app.inject({
          method: 'GET',
          url: '/metrics',
          remoteAddress: '93.184.216.10',
          headers: { 'x-forwarded-for': '10.0.0.1' },
        });
        assert.equal(notProxy.statusCode, 404, 'a stranger is not a trusted proxy');
      } finally {
        await behindProxy.close();
      }
    });
  });

  it('no token, cookie, password or admin key reaches a log line', async () => {
    const stream = await connectStream(server, alice.token, 'query');
    stream.close();
    await api(server, 'GET', '/api/auth/me', { headers: { cookie: `rc_session=${bob.token}` } });
    await api(server, 'GET', '/api/auth/me', { token: alice.token });
    await api(server, 'POST', '/api/auth/login', {
      body: { email: 'x@example.test', password: 'hunter2-secret' },
    });
    await api(server, 'POST', '/api/auth/password', {
      token: alice.token,
      body: { currentPassword: 'wrong-current-pw', newPassword: 'another-new-pw-1' },
    });
    await api(server, 'GET', '/api/host/tenants', {
      headers: { 'x-host-admin-key': 'host-admin-key-0123456789abc' },
    });
    await waitFor('the stream request in the log', () => logLines.some((l) => l.includes('/api/stream')));
    const log = logLines.join('');
    assert.match(log, /\/api\/stream\?token=\[redacted\]/, 'the stream request is logged, without its token');
    for (const secret of [alice.token, bob.token, 'hunter2-secret', 'wrong-current-pw', 'another-new-pw-1']) {
      assert.ok(!log.includes(secret), `a secret leaked into the log: ${secret.slice(0, 12)}…`);
    }
    assert.ok(!log.includes('host-admin-key-0123456789abc'));
    for (const part of alice.token.split('.')) assert.ok(!log.includes(part), 'no part of a token either');
  });

  it('a request id follows every request: taken from X-Request-Id when plain, else made; echoed and logged', async () => {
    const traced = await server.app.inject({
      method: 'GET',
      url: '/api/groups',
      headers: { authorization: `Bearer ${adminToken}`, 'x-request-id': 'caddy-7f3a.trace:1' },
    });
    assert.equal(traced.headers['x-request-id'], 'caddy-7f3a.trace:1');
    await waitFor('the request in the log', () =>
      logLines.some((l) => l.includes('"reqId":"caddy-7f3a.trace:1"')),
    );
    const line = logLines.find((l) => l.includes('"reqId":"caddy-7f3a.trace:1"') && l.includes('"userId"'));
    assert.ok(line, 'the request log names the tenant and the user');
    // A header that is not a short plain token is replaced, never written into logs as sent.
    const forged = await server.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'x\n{"level":60,"msg":"forged"}' },
    });
    assert.match(String(forged.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    const failed = await server.app.inject({ method: 'GET', url: '/api/no-such-route' });
    assert.match(String(failed.headers['x-request-id']), /^[0-9a-f-]{36}$/, 'errors carry it too');
  });

  it('every response carries the security headers; pages forbid inline script and framing', async () => {
    for (const url of ['/', '/api/health', '/api/groups', '/nowhere']) {
      const res = await fetch(`${server.url}${url}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/, `${url}: ${csp}`);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
    }
  });

  describe('NUL bytes', () => {
    const NUL = 'a\u0000b';
    it('are refused with 400 over REST in every text field, and nothing is stored', async () => {
      const messages = await countRows(server, 'messages');
      const groups = await countRows(server, 'groups');
      const users = await countRows(server, 'users');
      const sent = await sendMessage(server, alice.token, room, 'to be edited');
      const id = sent.body.message.id;
      const cases: Array<[string, 'POST' | 'PATCH', string, unknown, string]> = [
        ['message', 'POST', `/api/groups/${room}/messages`, { clientId: 'nul-1', content: NUL }, 'content'],
        ['clientId', 'POST', `/api/groups/${room}/messages`, { clientId: NUL, content: 'x' }, 'clientId'],
        ['edit', 'PATCH', `/api/messages/${id}`, { content: NUL }, 'content'],
        ['group name', 'POST', '/api/groups', { type: 'private', name: NUL, memberIds: [] }, 'name'],
        ['rename', 'PATCH', `/api/groups/${room}`, { name: NUL }, 'name'],
        [
          'user name',
          'POST',
          '/api/users',
          { email: 'nul@example.test', name: NUL, password: 'long-enough-1' },
          'name',
        ],
        ['login', 'POST', '/api/auth/login', { email: NUL, password: 'whatever-1' }, 'email'],
      ];
      for (const [what, method, url, body, field] of cases) {
        const res = await api<{ error: { code: string; details: { field: string } } }>(server, method, url, {
          token: what === 'user name' ? adminToken : alice.token,
          body,
        });
        assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'VALIDATION_FAILED');
        assert.equal(res.body.error.details.field, field, what);
      }
      const search = await api(server, 'GET', `/api/search?q=${encodeURIComponent(NUL)}`, {
        token: alice.token,
      });
      assert.equal(search.status, 400);
      assert.equal(await countRows(server, 'messages'), messages + 1);
      assert.equal(await countRows(server, 'groups'), groups);
      assert.equal(await countRows(server, 'users'), users);
    });

    it('are refused over socket.io and the stream', async () => {
      const socket = await connectSocket(server, alice.token);
      const ack = await socket.emitWithAck('message:send', {
        groupId: room,
        clientId: 'nul-s',
        content: NUL,
      });
      assert.equal(ack.ok, false);
      assert.equal(!ack.ok && ack.error.code, 'VALIDATION_FAILED');
      socket.close();
      const stream = await connectStream(server, alice.token);
      stream.send({
        type: 'message:send',
        id: 'r1',
        data: { groupId: room, clientId: 'nul-w', content: NUL },
      });
      const reply = await waitFor('the ack', () => stream.frames.find((f) => f.type === 'ack'));
      assert.equal(
        (reply as { data: { ok: boolean; error: { code: string } } }).data.error.code,
        'VALIDATION_FAILED',
      );
      stream.close();
    });
  });

  describe('malformed multipart', () => {
    const bodies: Array<[string, string, string]> = [
      [
        'garbage after the boundary',
        'multipart/form-data; boundary=XYZ',
        '--XYZ\r\nnot a header line\r\n\r\n',
      ],
      [
        'truncated part',
        'multipart/form-data; boundary=XYZ',
        '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG',
      ],
      ['no boundary', 'multipart/form-data', '--XYZ\r\n\r\n'],
      ['empty body', 'multipart/form-data; boundary=XYZ', ''],
    ];
    for (const [what, type, body] of bodies) {
      it(`${what} → 400, nothing stored`, async () => {
        const uploads = await countRows(server, 'uploads');
        const res = await fetch(`${server.url}/api/uploads/direct`, {
          method: 'POST',
          headers: { authorization: `Bearer ${alice.token}`, 'content-type': type },
          body,
        });
        const reply = (await res.json()) as { error: { code: string } };
        assert.equal(res.status, 400, JSON.stringify(reply));
        assert.equal(reply.error.code, 'VALIDATION_FAILED');
        assert.equal(await countRows(server, 'uploads'), uploads);
      });
    }
  });

  describe('floods', () => {
    it('typing is throttled per socket and conversation, and goes only where the sender can see', async () => {
      const sender = await connectSocket(server, alice.token);
      const receiver = await connectSocket(server, bob.token);
      const events = recordEvents(receiver);
      for (let i = 0; i < 500; i++) sender.emit('typing', { groupId: room });
      await socketBarrier(sender, room, [events]);
      const typings = events.filter((e) => e.event === 'typing');
      assert.equal(typings.length, 1, 'one hint per 2 s, not 500');
      // A conversation the sender is not in: nothing, whatever the id.
      const outsider = await createMember(server, adminToken, 'Oscar Outsider');
      const outsiderSocket = await connectSocket(server, outsider.token);
      outsiderSocket.emit('typing', { groupId: room });
      await socketBarrier(sender, room, [events]);
      assert.equal(events.filter((e) => e.event === 'typing').length, 1);
      // Public channels reach everyone (positive control for the tenant room).
      sender.emit('typing', { groupId: general });
      await waitFor('typing in the public channel', () =>
        events.some((e) => e.event === 'typing' && (e.data as { groupId: number }).groupId === general),
      );
      for (const s of [sender, receiver, outsiderSocket]) s.close();
    });

    it('reaction toggles are rate-limited per user', async () => {
      const msg = (await sendMessage(server, bob.token, room, 'react a lot')).body.message;
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await api(server, 'POST', `/api/messages/${msg.id}/reactions`, {
          token: bob.token,
          body: { emoji: '👍' },
        });
        statuses.push(res.status);
      }
      assert.equal(statuses.filter((s) => s === 200).length, 20);
      assert.equal(statuses.filter((s) => s === 429).length, 10);
    });

    it('the 20 distinct reactions cap holds under concurrency', async () => {
      const msg = (await sendMessage(server, alice.token, general, 'race me')).body.message;
      const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂🤗🤩🤔🫡🤨😐😑😶🫥😏🙄😬🤥😌😔😪🤤😴😷🤒'];
      const reactors = await Promise.all(
        ['Carol', 'Dan', 'Erin', 'Finn'].map((name) => createMember(server, adminToken, `${name} Racer`)),
      );
      await Promise.all(
        emoji.map((e, i) =>
          api(server, 'POST', `/api/messages/${msg.id}/reactions`, {
            token: reactors[i % 4]!.token,
            body: { emoji: e },
          }),
        ),
      );
      const { rows } = await server.pool.query<{ n: number }>(
        'SELECT count(DISTINCT emoji)::int AS n FROM public.reactions WHERE message_id = $1',
        [msg.id],
      );
      assert.equal(rows[0]!.n, 20);
    });

    it('a reaction is exactly one emoji', async () => {
      const msg = (await sendMessage(server, alice.token, general, 'emoji only')).body.message;
      const gina = await createMember(server, adminToken, 'Gina Emoji');
      for (const bad of ['😀1234567', '1', 'abc', '😀😀', '👍 ', '#']) {
        const res = await api(server, 'POST', `/api/messages/${msg.id}/reactions`, {
          token: gina.token,
          body: { emoji: bad },
        });
        assert.equal(res.status, 400, bad);
      }
      for (const good of ['👍🏽', '❤️', '👨‍👩‍👧', '🇫🇷', '#️⃣']) {
        const res = await api(server, 'POST', `/api/messages/${msg.id}/reactions`, {
          token: gina.token,
          body: { emoji: good },
        });
        assert.equal(res.status, 200, good);
      }
    });

    it('live connections are capped per user, with a clear connect_error and a 429 on the stream', async () => {
      const carol = await createMember(server, adminToken, 'Carol Many');
      const open: TestSocket[] = [];
      for (let i = 0; i < 5; i++) open.push(await connectSocket(server, carol.token));
      await assert.rejects(
        connectSocket(server, carol.token),
        (err: Error & { data?: { message: string } }) => {
          assert.equal(err.message, 'TOO_MANY_CONNECTIONS');
          assert.match(err.data?.message ?? '', /at most 5 per user/);
          return true;
        },
      );
      await assert.rejects(connectStream(server, carol.token), /stream refused: 429/);
      // A plain GET of the stream (no upgrade) is refused with the error shape and takes no place:
      // before, each one kept a place for good, locking the user out of realtime.
      const dave = await createMember(server, adminToken, 'Dave Plain');
      for (let i = 0; i < 8; i++) {
        const plain = await fetch(`${server.url}/api/stream?token=${encodeURIComponent(dave.token)}`);
        assert.equal(plain.status, 400);
        const body = (await plain.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, 'VALIDATION_FAILED');
        assert.match(body.error.message, /upgrade/);
      }
      const daves: Array<{ close(): void }> = [];
      for (let i = 0; i < 5; i++) daves.push(await connectStream(server, dave.token));
      for (const s of daves) s.close();
      open.pop()?.close();
      await waitFor('a place is free again', async () =>
        connectSocket(server, carol.token).then(
          (s) => {
            open.push(s);
            return true;
          },
          () => false,
        ),
      );
      for (const s of open) s.close();
    });
  });

  describe('cross-site requests', () => {
    const cookieWrite = (headers: Record<string, string>, token: string) =>
      fetch(`${server.url}/api/groups/${room}/messages`, {
        method: 'POST',
        headers: { cookie: `rc_session=${token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ clientId: crypto.randomUUID(), content: 'csrf?' }),
      });

    it('refuses cookie-authenticated writes from another origin, a sibling tenant included', async () => {
      const host = new URL(server.url).host;
      const before = await countRows(server, 'messages');
      const variants: Array<Record<string, string>> = [
        { origin: 'https://evil.example' },
        { origin: `http://other.${host}` },
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site', origin: `http://acme.${host}` },
      ];
      for (const headers of variants) {
        const res = await cookieWrite(headers, alice.token);
        assert.equal(res.status, 403, JSON.stringify(headers));
      }
      assert.equal(await countRows(server, 'messages'), before);
      const same = await cookieWrite({ origin: server.url, 'sec-fetch-site': 'same-origin' }, alice.token);
      assert.equal(same.status, 201, 'positive control: the page itself may write');
      const bearer = await fetch(`${server.url}/api/groups/${room}/messages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${alice.token}`,
          origin: 'https://tool.example',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ clientId: crypto.randomUUID(), content: 'bearer' }),
      });
      assert.equal(bearer.status, 201, 'Bearer tokens are exempt');
    });

    it('refuses text/plain bodies, even empty ones (415)', async () => {
      for (const body of ['', '{"messageId":1}']) {
        const res = await fetch(`${server.url}/api/groups/read-all`, {
          method: 'POST',
          headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'text/plain' },
          body,
        });
        assert.equal(res.status, 415, `body ${JSON.stringify(body)}`);
      }
      const ok = await fetch(`${server.url}/api/groups/read-all`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.token}` },
      });
      assert.equal(ok.status, 204, 'positive control: a body-less POST without a type');
    });
  });

  it('a validly signed token whose session id is not a UUID is 401, not 500', async () => {
    for (const sid of ['not-a-uuid', "x' OR 1=1 --", '']) {
      const token = createTokenSigner(TEST_JWT_SECRET).sign({ sid, uid: alice.user.id, sch: 'public' }, 600);
      const res = await api(server, 'GET', '/api/auth/me', { token });
      assert.equal(res.status, 401, sid);
      await assert.rejects(connectSocket(server, token), /UNAUTHENTICATED/);
    }
  });
});
