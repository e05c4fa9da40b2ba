import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RedisHandle, startRedis } from '@rosterchirp/infra';
import type { Group, Message, SendAck } from '@rosterchirp/protocol';
import {
  ADMIN,
  api,
  connectSocket,
  connectStream,
  createMember,
  login,
  presenceChanges,
  publicChannel,
  recordEvents,
  restBarrier,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

/** Two instances sharing Postgres and Redis behave as one (fan-out, presence, membership, sessions). */
describe('two instances over Redis', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let redis: RedisHandle;
  let a: TestServer;
  let b: TestServer;
  let admin: { token: string };
  let alice: Awaited<ReturnType<typeof createMember>>;
  let bob: Awaited<ReturnType<typeof createMember>>;
  let eve: Awaited<ReturnType<typeof createMember>>;

  before(async () => {
    pg = await startTestPostgres();
    redis = await startRedis();
    a = await startTestServer(pg, { instanceId: 'A', redisUrl: redis.url });
    b = await startTestServer(pg, { instanceId: 'B', redisUrl: redis.url });
    admin = await login(a, ADMIN.email, ADMIN.password);
    alice = await createMember(a, admin.token, 'Alice Ant');
    bob = await createMember(a, admin.token, 'Bob Bee');
    eve = await createMember(a, admin.token, 'Eve Eavesdropper');
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
    await pg?.stop();
  });

  const isNew = (id: number) => (e: { event?: string; type?: string; data?: unknown }) =>
    (e.event ?? e.type) === 'message:new' && (e.data as { message: Message }).message.id === id;

  it('readiness includes Redis', async () => {
    const res = await api<{ ready: boolean; checks: Record<string, boolean> }>(b, 'GET', '/api/ready');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.checks, { postgres: true, redis: true, accepting: true });
  });

  it('a message sent on A reaches socket.io and stream clients on B exactly once, and no outsider', async () => {
    const group = await api<{ group: Group }>(a, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'private', name: 'Across', memberIds: [bob.user.id] },
    });
    const gid = group.body.group.id;
    const bobSocket = await connectSocket(b, bob.token);
    const bobEvents = recordEvents(bobSocket);
    const bobStream = await connectStream(b, bob.token);
    assert.equal(bobStream.hello.type === 'hello' && bobStream.hello.data.instance, 'B');
    const eveSocket = await connectSocket(b, eve.token);
    const eveEvents = recordEvents(eveSocket);
    const sent = await sendMessage(a, alice.token, gid, 'from instance A');
    const id = sent.body.message.id;
    await waitFor('socket.io on B', () => bobEvents.find(isNew(id)));
    await waitFor('stream on B', () => bobStream.frames.find(isNew(id)));
    await restBarrier(a, alice.token, await publicChannel(a, alice.token), [
      bobEvents,
      bobStream.frames,
      eveEvents,
    ]);
    assert.equal(bobEvents.filter(isNew(id)).length, 1);
    assert.equal(bobStream.frames.filter(isNew(id)).length, 1);
    assert.equal(eveEvents.filter(isNew(id)).length, 0);

    // And back: a socket send on B reaches a client on A.
    const aliceSocket = await connectSocket(a, alice.token);
    const aliceEvents = recordEvents(aliceSocket);
    const ack = await new Promise<SendAck>((resolve) =>
      bobSocket.emit('message:send', { groupId: gid, clientId: 'b-1', content: 'from B' }, resolve),
    );
    assert.ok(ack.ok);
    await waitFor('socket.io on A', () => aliceEvents.find(isNew(ack.message.id)));
    for (const s of [bobSocket, eveSocket, aliceSocket]) s.close();
    bobStream.close();
  });

  it('a member added through A starts receiving on B at once; removal stops it', async () => {
    const group = await api<{ group: Group }>(a, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'private', name: 'Join live', memberIds: [] },
    });
    const gid = group.body.group.id;
    const bobSocket = await connectSocket(b, bob.token);
    const bobEvents = recordEvents(bobSocket);
    const bobStream = await connectStream(b, bob.token);
    await api(a, 'POST', `/api/groups/${gid}/members`, {
      token: alice.token,
      body: { userIds: [bob.user.id] },
    });
    await waitFor('group:updated on B', () => bobEvents.find((e) => e.event === 'group:updated'));
    // The join travels through Redis too: B's socket and stream are in the room before we send.
    const inRoomOnB = () => b.io.of('/').adapter.rooms.get(`public:group:${gid}`)?.size ?? 0;
    await waitFor('bob joined on B', () => inRoomOnB() === 2);
    const m = await sendMessage(a, alice.token, gid, 'welcome');
    await waitFor('socket joined on B', () => bobEvents.find(isNew(m.body.message.id)));
    await waitFor('stream joined on B', () => bobStream.frames.find(isNew(m.body.message.id)));
    await api(a, 'DELETE', `/api/groups/${gid}/members/${bob.user.id}`, { token: alice.token });
    await waitFor('group:removed on B', () => bobEvents.find((e) => e.event === 'group:removed'));
    await waitFor('bob left on B', () => inRoomOnB() === 0);
    const m2 = await sendMessage(a, alice.token, gid, 'after removal');
    await restBarrier(a, alice.token, await publicChannel(a, alice.token), [bobEvents, bobStream.frames]);
    assert.equal(bobEvents.filter(isNew(m2.body.message.id)).length, 0);
    assert.equal(bobStream.frames.filter(isNew(m2.body.message.id)).length, 0);
    bobSocket.close();
    bobStream.close();
  });

  it('presence spans instances: online while a tab lives on A or B, one offline when both close', async () => {
    const watcher = await connectSocket(a, admin.token);
    const events = recordEvents(watcher);
    const mine = (state: 'online' | 'offline') => presenceChanges(events, eve.user.id, state);
    const onA = await connectSocket(a, eve.token);
    const onB = await connectStream(b, eve.token);
    await waitFor('online', () => mine('online') === 1);
    const listFromB = await connectSocket(b, admin.token);
    const online = await new Promise<number[]>((r) =>
      listFromB.emit('users:online', {}, (x) => r(x.userIds)),
    );
    assert.ok(online.includes(eve.user.id), 'B sees a user connected only on A');
    const general = await publicChannel(a, admin.token);
    const onAId = onA.id;
    onA.close();
    await waitFor('tab on A gone on the server', () => !a.io.of('/').sockets.has(onAId ?? ''));
    await restBarrier(a, admin.token, general, [events]);
    assert.equal(mine('offline'), 0);
    onB.close();
    await waitFor('offline', () => mine('offline') === 1);
    await restBarrier(a, admin.token, general, [events]);
    assert.equal(mine('online'), 1);
    assert.equal(mine('offline'), 1);
    watcher.close();
    listFromB.close();
  });

  it('signing in on A displaces the same device class connected on B', async () => {
    const carol = await createMember(a, admin.token, 'Carol Cross');
    const socketOnB = await connectSocket(b, carol.token);
    const events = recordEvents(socketOnB);
    const gone = new Promise<void>((resolve) => socketOnB.on('disconnect', () => resolve()));
    await login(a, carol.user.email, carol.password, 'desktop');
    await waitFor('displaced on B', () => events.find((e) => e.event === 'session:displaced'));
    await gone;
  });
});
