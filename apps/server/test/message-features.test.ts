import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Group, Message, SearchReply } from '@rosterchirp/protocol';
import {
  ADMIN,
  api,
  connectSocket,
  countRows,
  createMember,
  login,
  recordEvents,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

type Reactions = Message['reactions'];

describe('reactions, pins and search', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let alice: Awaited<ReturnType<typeof createMember>>;
  let bob: Awaited<ReturnType<typeof createMember>>;
  let eve: Awaited<ReturnType<typeof createMember>>;
  let room: number;
  let general: number;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg);
    const admin = await login(server, ADMIN.email, ADMIN.password);
    alice = await createMember(server, admin.token, 'Alice Ant');
    bob = await createMember(server, admin.token, 'Bob Bee');
    eve = await createMember(server, admin.token, 'Eve Eavesdropper');
    room = (
      await api<{ group: Group }>(server, 'POST', '/api/groups', {
        token: alice.token,
        body: { type: 'private', name: 'Features', memberIds: [bob.user.id] },
      })
    ).body.group.id;
    general = (
      await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: eve.token })
    ).body.groups.find((g) => g.type === 'public')!.id;
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
  });

  it('reactions toggle per user, count live, and tell each viewer which are theirs', async () => {
    const msg = (await sendMessage(server, alice.token, room, 'react to me')).body.message;
    const aliceSocket = await connectSocket(server, alice.token);
    const events = recordEvents(aliceSocket);
    const react = (token: string, emoji: string) =>
      api<{ reactions: Reactions }>(server, 'POST', `/api/messages/${msg.id}/reactions`, {
        token,
        body: { emoji },
      });
    const first = await react(bob.token, '👍');
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.reactions.map((r) => [r.emoji, r.count, r.mine]),
      [['👍', 1, true]],
    );
    await react(alice.token, '👍');
    const third = await react(alice.token, '🎉');
    assert.deepEqual(
      third.body.reactions.map((r) => [r.emoji, r.count, r.mine]),
      [
        ['👍', 2, true],
        ['🎉', 1, true],
      ],
    );
    const undo = await react(alice.token, '👍');
    assert.deepEqual(
      undo.body.reactions.map((r) => [r.emoji, r.count, r.mine]),
      [
        ['👍', 1, false],
        ['🎉', 1, true],
      ],
    );
    await waitFor(
      'reaction:updated events',
      () => events.filter((e) => e.event === 'reaction:updated').length >= 4,
    );
    const last = events.filter((e) => e.event === 'reaction:updated').at(-1)!.data as {
      messageId: number;
      reactions: Reactions;
    };
    assert.equal(last.messageId, msg.id);
    assert.deepEqual(last.reactions.find((r) => r.emoji === '👍')!.userIds, [bob.user.id]);
    const history = await api<{ messages: Message[] }>(server, 'GET', `/api/groups/${room}/messages`, {
      token: bob.token,
    });
    const seen = history.body.messages.find((m) => m.id === msg.id)!;
    assert.deepEqual(
      seen.reactions.map((r) => [r.emoji, r.count, r.mine]),
      [
        ['👍', 1, true],
        ['🎉', 1, false],
      ],
    );
    aliceSocket.close();
  });

  it('refuses bad reactions and reactions from outsiders, storing nothing', async () => {
    const msg = (await sendMessage(server, alice.token, room, 'no reactions please')).body.message;
    const before = await countRows(server, 'reactions');
    for (const emoji of ['abc', '', '👍'.repeat(20), '<script>', '1']) {
      const res = await api(server, 'POST', `/api/messages/${msg.id}/reactions`, {
        token: bob.token,
        body: { emoji },
      });
      assert.equal(res.status, 400, JSON.stringify(emoji));
    }
    const outsider = await api(server, 'POST', `/api/messages/${msg.id}/reactions`, {
      token: eve.token,
      body: { emoji: '👍' },
    });
    assert.equal(outsider.status, 404);
    const unknown = await api(server, 'POST', '/api/messages/999999/reactions', {
      token: bob.token,
      body: { emoji: '👍' },
    });
    assert.equal(unknown.status, 404);
    assert.equal(await countRows(server, 'reactions'), before);
    for (const emoji of ['👍🏽', '🇳🇴', '❤️', '👩‍👩‍👧']) {
      const ok = await api(server, 'POST', `/api/messages/${msg.id}/reactions`, {
        token: bob.token,
        body: { emoji },
      });
      assert.equal(ok.status, 200, emoji);
    }
  });

  it('pins: members pin and unpin, the pinned list follows, outsiders get 404', async () => {
    const a = (await sendMessage(server, alice.token, room, 'pin me first')).body.message;
    const b = (await sendMessage(server, bob.token, room, 'pin me second')).body.message;
    const bobSocket = await connectSocket(server, bob.token);
    const events = recordEvents(bobSocket);
    assert.equal((await api(server, 'POST', `/api/messages/${a.id}/pin`, { token: bob.token })).status, 204);
    assert.equal(
      (await api(server, 'POST', `/api/messages/${b.id}/pin`, { token: alice.token })).status,
      204,
    );
    assert.equal(
      (await api(server, 'POST', `/api/messages/${b.id}/pin`, { token: alice.token })).status,
      204,
      'idempotent',
    );
    const pins = await api<{ messages: Message[] }>(server, 'GET', `/api/groups/${room}/pins`, {
      token: bob.token,
    });
    assert.deepEqual(
      pins.body.messages.map((m) => m.id),
      [b.id, a.id],
    );
    assert.ok(pins.body.messages.every((m) => m.pinned));
    await waitFor('message:updated with pinned', () =>
      events.find(
        (e) => e.event === 'message:updated' && (e.data as { message: Message }).message.id === a.id,
      ),
    );
    assert.equal(
      (await api(server, 'DELETE', `/api/messages/${a.id}/pin`, { token: alice.token })).status,
      204,
    );
    const after = await api<{ messages: Message[] }>(server, 'GET', `/api/groups/${room}/pins`, {
      token: bob.token,
    });
    assert.deepEqual(
      after.body.messages.map((m) => m.id),
      [b.id],
    );
    assert.equal((await api(server, 'POST', `/api/messages/${a.id}/pin`, { token: eve.token })).status, 404);
    assert.equal((await api(server, 'GET', `/api/groups/${room}/pins`, { token: eve.token })).status, 404);
    assert.equal((await api(server, 'POST', '/api/messages/abc/pin', { token: bob.token })).status, 400);
    bobSocket.close();
  });

  it('search finds whole words, word prefixes and word parts, newest first, only where the user can read', async () => {
    await sendMessage(server, alice.token, room, 'The mountain trip is on Saturday');
    await sendMessage(server, alice.token, general, 'Public note: mountaineering gear list');
    await sendMessage(server, alice.token, room, 'Bring 100% cotton shirts_only');
    const search = (token: string, q: string, extra = '') =>
      api<SearchReply>(server, 'GET', `/api/search?q=${encodeURIComponent(q)}${extra}`, { token });
    const mount = await search(bob.token, 'mount');
    assert.equal(mount.status, 200);
    assert.deepEqual(
      mount.body.results.map((r) => r.message.content),
      ['Public note: mountaineering gear list', 'The mountain trip is on Saturday'],
    );
    assert.equal(mount.body.results[1]!.group.name, 'Features');
    const infix = await search(bob.token, 'untai');
    assert.equal(infix.body.results.length, 2, 'parts of words match');
    const both = await search(bob.token, 'mountain saturday');
    assert.deepEqual(
      both.body.results.map((r) => r.message.content),
      ['The mountain trip is on Saturday'],
    );
    const outsider = await search(eve.token, 'mount');
    assert.deepEqual(
      outsider.body.results.map((r) => r.message.content),
      ['Public note: mountaineering gear list'],
    );
    const literal = await search(bob.token, '100%');
    assert.equal(literal.body.results.length, 1);
    const underscore = await search(bob.token, 'shirts_only');
    assert.equal(underscore.body.results.length, 1);
    const page1 = await search(bob.token, 'mount', '&limit=1');
    assert.equal(page1.body.hasMore, true);
    const page2 = await search(bob.token, 'mount', `&limit=1&before=${page1.body.results[0]!.message.id}`);
    assert.equal(page2.body.results[0]!.message.content, 'The mountain trip is on Saturday');
    assert.equal(page2.body.hasMore, false);
    for (const q of ['', ' ', '!!!']) assert.equal((await search(bob.token, q)).status, 400, q);
    assert.equal((await search(bob.token, 'x', '&limit=500')).status, 400);
  });
});
