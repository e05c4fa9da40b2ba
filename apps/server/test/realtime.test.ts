import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Group, Message, SendAck } from '@rosterchirp/protocol';
import {
  ADMIN,
  api,
  connectSocket,
  connectStream,
  countRows,
  createMember,
  login,
  presenceChanges,
  publicChannel,
  recordEvents,
  restBarrier,
  sendMessage,
  socketBarrier,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

describe('realtime: socket.io and /api/stream', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let admin: { token: string };
  let alice: Awaited<ReturnType<typeof createMember>>;
  let bob: Awaited<ReturnType<typeof createMember>>;
  let eve: Awaited<ReturnType<typeof createMember>>;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg);
    admin = await login(server, ADMIN.email, ADMIN.password);
    alice = await createMember(server, admin.token, 'Alice Ant');
    bob = await createMember(server, admin.token, 'Bob Bee');
    eve = await createMember(server, admin.token, 'Eve Eavesdropper');
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
  });

  async function privateGroup(name: string, memberIds: number[]): Promise<number> {
    const res = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'private', name, memberIds },
    });
    return res.body.group.id;
  }

  it('a REST message reaches the members on socket.io and /api/stream exactly once, and nobody else', async () => {
    const gid = await privateGroup('Realtime', [bob.user.id]);
    const bobSocket = await connectSocket(server, bob.token);
    const bobSocketEvents = recordEvents(bobSocket);
    const bobStream = await connectStream(server, bob.token);
    const bobQueryStream = await connectStream(server, bob.token, 'query');
    const eveSocket = await connectSocket(server, eve.token);
    const eveEvents = recordEvents(eveSocket);
    const eveStream = await connectStream(server, eve.token);
    assert.deepEqual(bobStream.hello, { type: 'hello', data: { userId: bob.user.id, instance: 'test-1' } });

    const sent = await sendMessage(server, alice.token, gid, 'only for bob');
    assert.equal(sent.status, 201);
    const id = sent.body.message.id;
    const isIt = (e: { event?: string; type?: string; data?: unknown }) =>
      (e.event ?? e.type) === 'message:new' && (e.data as { message: Message }).message.id === id;
    await waitFor('socket.io delivery', () => bobSocketEvents.find(isIt));
    await waitFor('stream delivery', () => bobStream.frames.find(isIt));
    await waitFor('stream (query token) delivery', () => bobQueryStream.frames.find(isIt));
    const streamed = bobStream.frames.find(isIt) as { data: { message: Message } };
    assert.deepEqual(streamed.data.message, sent.body.message, 'same payload on both transports');
    await restBarrier(server, alice.token, await publicChannel(server, alice.token), [
      bobSocketEvents,
      bobStream.frames,
      bobQueryStream.frames,
      eveEvents,
      eveStream.frames,
    ]);
    assert.equal(bobSocketEvents.filter(isIt).length, 1);
    assert.equal(bobStream.frames.filter(isIt).length, 1);
    assert.equal(eveEvents.filter(isIt).length, 0, 'non-member socket gets nothing');
    assert.equal(eveStream.frames.filter(isIt).length, 0, 'non-member stream gets nothing');

    // Public chats reach everyone.
    const groups = await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: eve.token });
    const general = groups.body.groups.find((g) => g.type === 'public')!;
    const pub = await sendMessage(server, alice.token, general.id, 'hello all');
    await waitFor('eve public delivery', () =>
      eveEvents.find(
        (e) =>
          e.event === 'message:new' && (e.data as { message: Message }).message.id === pub.body.message.id,
      ),
    );
    await waitFor('eve stream public delivery', () => eveStream.frames.find((f) => f.type === 'message:new'));
    for (const c of [bobSocket, eveSocket]) c.close();
    for (const s of [bobStream, bobQueryStream, eveStream]) s.close();
  });

  it('message:send over socket.io acks with the stored message and is idempotent by clientId', async () => {
    const gid = await privateGroup('Acks', [bob.user.id]);
    const aliceSocket = await connectSocket(server, alice.token);
    const bobSocket = await connectSocket(server, bob.token);
    const bobEvents = recordEvents(bobSocket);
    const send = (payload: unknown) =>
      new Promise<SendAck>((resolve) => aliceSocket.emit('message:send', payload as never, resolve));
    const ack = await send({ groupId: gid, clientId: 'sock-1', content: 'via socket' });
    assert.ok(ack.ok);
    const again = await send({ groupId: gid, clientId: 'sock-1', content: 'via socket' });
    assert.ok(again.ok && ack.ok && again.message.id === ack.message.id);
    await waitFor('bob gets it', () => bobEvents.find((e) => e.event === 'message:new'));
    await socketBarrier(aliceSocket, gid, [bobEvents]);
    const copies = bobEvents.filter(
      (e) => e.event === 'message:new' && (e.data as { message: Message }).message.id === ack.message.id,
    );
    assert.equal(copies.length, 1, 'a retry is not re-broadcast');

    const before = await countRows(server, 'messages');
    for (const bad of [
      {},
      { groupId: 'x', clientId: 'a', content: 'b' },
      { groupId: gid, clientId: 'b' },
      null,
      'str',
    ]) {
      const res = await send(bad);
      assert.equal(res.ok, false);
      assert.equal(!res.ok && res.error.code, 'VALIDATION_FAILED');
    }
    const notMine = await new Promise<SendAck>((resolve) =>
      bobSocket.emit('message:send', { groupId: 999999, clientId: 'zz', content: 'x' }, resolve),
    );
    assert.equal(!notMine.ok && notMine.error.code, 'NOT_FOUND');
    assert.equal(await countRows(server, 'messages'), before);
    aliceSocket.close();
    bobSocket.close();
  });

  it('the stream answers ping, acks sends, and reports bad frames without closing', async () => {
    const gid = await privateGroup('Stream acks', [bob.user.id]);
    const stream = await connectStream(server, alice.token);
    stream.send({ type: 'ping' });
    await waitFor('pong', () => stream.frames.find((f) => f.type === 'pong'));
    stream.send({
      type: 'message:send',
      id: 'r1',
      data: { groupId: gid, clientId: 'stream-1', content: 'from a bot' },
    });
    const ack = await waitFor('ack', () => stream.frames.find((f) => f.type === 'ack' && f.id === 'r1'));
    assert.ok(ack.type === 'ack' && ack.data.ok && ack.data.message.content === 'from a bot');
    stream.ws.send('not json');
    await waitFor('error frame', () => stream.frames.find((f) => f.type === 'error'));
    stream.send({ type: 'message:send', id: 'r2', data: { groupId: gid } });
    const bad = await waitFor('bad ack', () => stream.frames.find((f) => f.type === 'ack' && f.id === 'r2'));
    assert.ok(bad.type === 'ack' && !bad.data.ok && bad.data.error.code === 'VALIDATION_FAILED');
    assert.equal(stream.ws.readyState, stream.ws.OPEN);
    stream.close();
  });

  it('an open stream keeps nothing of its upgrade request, and still works (memory per idle connection)', async () => {
    // What an idle connection keeps is what an instance can hold (ARCHITECTURE.md, "Memory per
    // idle connection"): the upgrade's request, and fastify's request and reply around it, must
    // be collectable once the stream is open.
    const upgrades: Array<WeakRef<object>> = [];
    const onUpgrade = (req: { url?: string }) => {
      if (req.url?.startsWith('/api/stream')) upgrades.push(new WeakRef(req));
    };
    server.app.server.on('upgrade', onUpgrade);
    const gid = await privateGroup('Kept light', [bob.user.id]);
    const streams = await Promise.all([1, 2, 3].map(() => connectStream(server, bob.token)));
    server.app.server.off('upgrade', onUpgrade);
    assert.equal(upgrades.length, 3);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // A WeakRef's target stays alive to the end of the job that read it: collect first, read after.
    const tick = () => new Promise((r) => setTimeout(r, 25));
    for (let i = 0; i < 20; i++) {
      gc();
      await tick();
      if (!upgrades.some((r) => r.deref())) break;
      await tick();
    }
    assert.equal(upgrades.filter((r) => r.deref()).length, 0, 'an upgrade request is still reachable');
    await sendMessage(server, alice.token, gid, 'still heard');
    for (const stream of streams) {
      await waitFor('the message on the stream', () =>
        stream.frames.find((f) => f.type === 'message:new' && f.data.message.content === 'still heard'),
      );
      stream.close();
    }
  });

  it('refuses bad tokens: connect_error UNAUTHENTICATED on socket.io, 401 on the stream', async () => {
    await assert.rejects(connectSocket(server, undefined), /UNAUTHENTICATED/);
    await assert.rejects(connectSocket(server, 'garbage'), /UNAUTHENTICATED/);
    await assert.rejects(connectStream(server, 'garbage'), /401/);
  });

  it('joins and leaves follow membership live; the removed user gets group:removed', async () => {
    const gid = await privateGroup('Live membership', []);
    const bobSocket = await connectSocket(server, bob.token);
    const bobEvents = recordEvents(bobSocket);
    const bobStream = await connectStream(server, bob.token);
    await api(server, 'POST', `/api/groups/${gid}/members`, {
      token: alice.token,
      body: { userIds: [bob.user.id] },
    });
    await waitFor('group:updated', () => bobEvents.find((e) => e.event === 'group:updated'));
    const m1 = await sendMessage(server, alice.token, gid, 'welcome bob');
    const got = (id: number) => (e: { event?: string; type?: string; data?: unknown }) =>
      (e.event ?? e.type) === 'message:new' && (e.data as { message: Message }).message.id === id;
    await waitFor('bob socket sees new room', () => bobEvents.find(got(m1.body.message.id)));
    await waitFor('bob stream sees new room', () => bobStream.frames.find(got(m1.body.message.id)));
    await api(server, 'DELETE', `/api/groups/${gid}/members/${bob.user.id}`, { token: alice.token });
    await waitFor('group:removed', () => bobEvents.find((e) => e.event === 'group:removed'));
    const m2 = await sendMessage(server, alice.token, gid, 'bob is gone');
    await restBarrier(server, alice.token, await publicChannel(server, alice.token), [
      bobEvents,
      bobStream.frames,
    ]);
    assert.equal(bobEvents.filter(got(m2.body.message.id)).length, 0);
    assert.equal(bobStream.frames.filter(got(m2.body.message.id)).length, 0);
    bobSocket.close();
    bobStream.close();
  });

  it('presence: online while any connection lives, offline with last_online when the last one ends', async () => {
    const watcher = await connectSocket(server, admin.token);
    const events = recordEvents(watcher);
    const onlineList = () =>
      new Promise<number[]>((resolve) => watcher.emit('users:online', {}, (r) => resolve(r.userIds)));
    // Connections of earlier tests may still be closing: start once Eve is offline and every
    // announcement about that has arrived, then listen afresh.
    await waitFor('Eve offline before the test', async () => !(await onlineList()).includes(eve.user.id));
    await restBarrier(server, admin.token, await publicChannel(server, admin.token), [events]);
    events.length = 0;
    const tab1 = await connectSocket(server, eve.token);
    const tab2 = await connectStream(server, eve.token);
    await waitFor('online', () => presenceChanges(events, eve.user.id, 'online') > 0);
    assert.ok((await onlineList()).includes(eve.user.id));
    const tab1Id = tab1.id;
    tab1.close();
    // The server has let go of the socket (its presence entry went with it) …
    await waitFor('tab 1 gone on the server', () => !server.io.of('/').sockets.has(tab1Id ?? ''));
    // … and anything it announced about that has reached the watcher.
    await restBarrier(server, admin.token, await publicChannel(server, admin.token), [events]);
    assert.ok((await onlineList()).includes(eve.user.id), 'still online through the stream');
    // (Other people's sockets from earlier tests may still be closing: only Eve's count.)
    const eveOffline = () => presenceChanges(events, eve.user.id, 'offline');
    assert.equal(eveOffline(), 0);
    tab2.close();
    await waitFor('offline', () => eveOffline() > 0);
    assert.ok(!(await onlineList()).includes(eve.user.id));
    const { rows } = await server.pool.query('SELECT last_online FROM public.users WHERE id = $1', [
      eve.user.id,
    ]);
    assert.ok(rows[0].last_online instanceof Date);
    assert.equal(presenceChanges(events, eve.user.id, 'online'), 1);
    watcher.close();
  });

  it('typing reaches the other members, not the typist nor outsiders', async () => {
    const gid = await privateGroup('Typing', [bob.user.id]);
    const a = await connectSocket(server, alice.token);
    const b = await connectSocket(server, bob.token);
    const e = await connectSocket(server, eve.token);
    const [ae, be, ee] = [recordEvents(a), recordEvents(b), recordEvents(e)];
    a.emit('typing', { groupId: gid });
    await waitFor('bob sees typing', () => be.find((x) => x.event === 'typing'));
    const general = await publicChannel(server, alice.token);
    await socketBarrier(a, general, [ae, be, ee]);
    assert.equal(ae.filter((x) => x.event === 'typing').length, 0);
    assert.equal(ee.filter((x) => x.event === 'typing').length, 0);
    e.emit('typing', { groupId: gid });
    await socketBarrier(e, general, [be]);
    assert.equal(be.filter((x) => x.event === 'typing').length, 1, 'an outsider cannot type into the group');
    for (const s of [a, b, e]) s.close();
  });
});
