import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RedisHandle, startRedis } from '@rosterchirp/infra';
import type { Group, SendAck } from '@rosterchirp/protocol';
import {
  ADMIN,
  api,
  connectSocket,
  countRows,
  createMember,
  login,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
} from './harness.ts';

type ErrorBody = { error: { code: string; details: { retryAfterSeconds: number } } };

/** Limits are shared by every instance through Redis and answer 429 with Retry-After. */
describe('rate limits across two instances', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let redis: RedisHandle;
  let a: TestServer;
  let b: TestServer;
  const rateLimits = {
    loginPerMinute: 4,
    sendPer10Seconds: 5,
    hostAdminPerMinute: 600,
    reactionsPer10Seconds: 20,
  };

  before(async () => {
    pg = await startTestPostgres();
    redis = await startRedis();
    a = await startTestServer(pg, { instanceId: 'A', redisUrl: redis.url, rateLimits });
    b = await startTestServer(pg, { instanceId: 'B', redisUrl: redis.url, rateLimits });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
    await pg?.stop();
  });

  it('refuses the fifth sign-in attempt for one email, whichever instance gets it', async () => {
    const email = 'target@example.test';
    const attempts = [];
    for (const server of [a, b, a, b, a]) {
      attempts.push(
        await api<ErrorBody>(server, 'POST', '/api/auth/login', { body: { email, password: 'guess-guess' } }),
      );
    }
    assert.deepEqual(
      attempts.map((r) => r.status),
      [401, 401, 401, 401, 429],
    );
    const limited = attempts[4]!;
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(limited.body.error.details.retryAfterSeconds, retryAfter);
  });

  it('a successful sign-in clears the failures of that email', async () => {
    for (let i = 0; i < 3; i++) {
      await api(a, 'POST', '/api/auth/login', { body: { email: ADMIN.email, password: 'wrong-one' } });
    }
    await login(b, ADMIN.email, ADMIN.password);
    const after = await api(a, 'POST', '/api/auth/login', {
      body: { email: ADMIN.email, password: 'wrong-one' },
    });
    assert.equal(after.status, 401, 'counting restarted after the success');
  });

  it('limits message sends per user across instances and transports, storing nothing refused', async () => {
    const admin = await login(a, ADMIN.email, ADMIN.password, 'mobile');
    const chatty = await createMember(a, admin.token, 'Chatty Cathy');
    const groups = await api<{ groups: Group[] }>(a, 'GET', '/api/groups', { token: chatty.token });
    const gid = groups.body.groups[0]!.id;
    const statuses = [];
    for (const server of [a, b, a, b, a])
      statuses.push((await sendMessage(server, chatty.token, gid, 'hi')).status);
    assert.deepEqual(statuses, [201, 201, 201, 201, 201]);
    const before = await countRows(a, 'messages');
    const refused = await sendMessage(b, chatty.token, gid, 'one too many');
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    const socket = await connectSocket(a, chatty.token);
    const ack = await new Promise<SendAck>((resolve) =>
      socket.emit('message:send', { groupId: gid, clientId: 'sock-limited', content: 'x' }, resolve),
    );
    assert.equal(!ack.ok && ack.error.code, 'RATE_LIMITED');
    socket.close();
    assert.equal(await countRows(a, 'messages'), before);
  });
});
