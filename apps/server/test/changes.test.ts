/**
 * Recovery of changes (GET /api/groups/:id/changes?since=): every creation, edit, deletion,
 * reaction and pin moves the conversation's sequence; events carry it; asking from any seq
 * returns exactly what changed after it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChangesReply } from '@rosterchirp/protocol';
import {
  ADMIN,
  api,
  connectSocket,
  createMember,
  createPrivateGroup,
  login,
  recordEvents,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

describe('recovery of changes', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let alice: Awaited<ReturnType<typeof createMember>>;
  let bob: Awaited<ReturnType<typeof createMember>>;
  let eve: Awaited<ReturnType<typeof createMember>>;
  let room: number;

  const changes = (since: number, token = bob.token, extra = '') =>
    api<ChangesReply>(server, 'GET', `/api/groups/${room}/changes?since=${since}${extra}`, { token });

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg);
    const admin = await login(server, ADMIN.email, ADMIN.password);
    alice = await createMember(server, admin.token, 'Alice Seq');
    bob = await createMember(server, admin.token, 'Bob Seq');
    eve = await createMember(server, admin.token, 'Eve Outside');
    room = await createPrivateGroup(server, alice.token, 'Sequenced', [bob.user.id]);
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
  });

  it('every kind of change moves the sequence, and since= returns exactly what came after', async () => {
    const socket = await connectSocket(server, bob.token);
    const events = recordEvents(socket);
    const m1 = (await sendMessage(server, alice.token, room, 'first')).body.message;
    const m2 = (await sendMessage(server, alice.token, room, 'second')).body.message;
    const m3 = (await sendMessage(server, alice.token, room, 'third')).body.message;
    assert.ok(m1.seq < m2.seq && m2.seq < m3.seq, 'new messages carry increasing seqs');
    const base = m3.seq;
    assert.deepEqual((await changes(base)).body, { messages: [], deleted: [], seq: base, hasMore: false });

    await api(server, 'PATCH', `/api/messages/${m1.id}`, {
      token: alice.token,
      body: { content: 'first, edited' },
    });
    await api(server, 'POST', `/api/messages/${m2.id}/reactions`, {
      token: bob.token,
      body: { emoji: '👍' },
    });
    await api(server, 'POST', `/api/messages/${m3.id}/pin`, { token: bob.token });
    await api(server, 'DELETE', `/api/messages/${m2.id}`, { token: alice.token });
    const m4 = (await sendMessage(server, alice.token, room, 'fourth')).body.message;

    const reply = (await changes(base)).body;
    assert.deepEqual(
      reply.messages.map((m) => [m.id, m.content, m.pinned, m.deletedAt !== null]),
      [
        [m1.id, 'first, edited', false, false],
        [m3.id, 'third', true, false],
        [m2.id, '', false, true],
        [m4.id, 'fourth', false, false],
      ],
      'each changed message once, in the order of its latest change, as it now is',
    );
    assert.deepEqual(reply.deleted, [m2.id]);
    assert.equal(reply.seq, m4.seq);
    assert.equal(reply.hasMore, false);
    const seqs = reply.messages.map((m) => m.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((x, y) => x - y),
    );

    // The events bob heard carry the same sequence numbers.
    await waitFor('all events', () => events.filter((e) => e.event === 'message:new').length === 4);
    // Conversation events, that is (presence comes in its own batches and has no seq).
    const conversationEvents = events.filter((e) => e.event !== 'presence:changed');
    const heard = conversationEvents.flatMap((e) => {
      const d = e.data as { seq?: number; message?: { seq: number } };
      return [d.seq ?? d.message?.seq ?? -1];
    });
    assert.ok(
      heard.every((s) => s > 0),
      `every event has a seq: ${JSON.stringify(conversationEvents.map((e) => e.event))}`,
    );
    assert.ok(heard.includes(reply.seq));
    socket.close();
  });

  it('pages with limit and hasMore, never skipping or repeating', async () => {
    const start = (await changes(0)).body;
    let since = 0;
    const seen: number[] = [];
    for (;;) {
      const page = (await changes(since, bob.token, '&limit=2')).body;
      seen.push(...page.messages.map((m) => m.id));
      since = page.seq;
      if (!page.hasMore) break;
    }
    assert.deepEqual(
      seen,
      start.messages.map((m) => m.id),
    );
    assert.equal(new Set(seen).size, seen.length);
  });

  it('concurrent changes each move the sequence exactly once and never share a number', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await sendMessage(server, alice.token, room, `race ${i}`)).body.message.id);
    }
    const changeSeq = async () =>
      (
        await server.pool.query<{ s: number }>('SELECT change_seq AS s FROM public.groups WHERE id = $1', [
          room,
        ])
      ).rows[0]!.s;
    const before = await changeSeq();
    await Promise.all([
      ...ids.flatMap((id) =>
        [1, 2].map((n) =>
          api(server, 'PATCH', `/api/messages/${id}`, {
            token: alice.token,
            body: { content: `race edit ${n}` },
          }),
        ),
      ),
      ...ids.map((id) =>
        api(server, 'POST', `/api/messages/${id}/reactions`, { token: bob.token, body: { emoji: '🔥' } }),
      ),
    ]);
    assert.equal(await changeSeq(), before + 15, 'ten edits and five reactions: fifteen changes');
    const after = (await changes(before)).body;
    assert.equal(after.messages.length, 5);
    assert.equal(new Set(after.messages.map((m) => m.seq)).size, 5, 'distinct numbers');
    assert.equal(after.seq, before + 15, 'the last change is the newest number');
  });

  it('refuses outsiders, unknown conversations and bad input', async () => {
    assert.equal((await changes(0, eve.token)).status, 404);
    assert.equal(
      (await api(server, 'GET', '/api/groups/999999/changes?since=0', { token: bob.token })).status,
      404,
    );
    for (const bad of ['-1', 'abc', '1.5', '']) {
      const res = await api<{ error: { code: string } }>(
        server,
        'GET',
        `/api/groups/${room}/changes?since=${bad}`,
        {
          token: bob.token,
        },
      );
      assert.equal(res.status, 400, `since=${bad}`);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    assert.equal((await changes(0, bob.token, '&limit=501')).status, 400);
    assert.equal((await api(server, 'GET', `/api/groups/${room}/changes?since=0`)).status, 401);
  });
});
