import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Group, Message } from '@rosterchirp/protocol';
import {
  ADMIN,
  api,
  countRows,
  createMember,
  login,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
} from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: { field?: string } } };

describe('conversations and messages', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let admin: { token: string };
  let alice: Awaited<ReturnType<typeof createMember>>;
  let bob: Awaited<ReturnType<typeof createMember>>;
  let eve: Awaited<ReturnType<typeof createMember>>;
  let general: Group;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg);
    admin = await login(server, ADMIN.email, ADMIN.password);
    alice = await createMember(server, admin.token, 'Alice Ant');
    bob = await createMember(server, admin.token, 'Bob Bee');
    eve = await createMember(server, admin.token, 'Eve Eavesdropper');
    const groups = await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: alice.token });
    general = groups.body.groups.find((g) => g.name === 'General Chat')!;
    assert.ok(general, 'seeded default chat is visible to members');
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
  });

  it('admin creates users with unique handles, returns a generated password once, refuses duplicates', async () => {
    const res = await api<{ user: { handle: string; email: string }; password: string }>(
      server,
      'POST',
      '/api/users',
      {
        token: admin.token,
        body: { email: 'Brett@Example.test', name: 'Brett Watson' },
      },
    );
    assert.equal(res.status, 201);
    assert.equal(res.body.user.handle, 'brett.watson');
    assert.equal(res.body.user.email, 'brett@example.test');
    assert.match(res.body.password, /^\S{19}$/);
    await login(server, 'brett@example.test', res.body.password);
    const twin = await api<{ user: { handle: string } }>(server, 'POST', '/api/users', {
      token: admin.token,
      body: { email: 'brett2@example.test', name: 'Brett Watson', password: 'password-two' },
    });
    assert.equal(twin.body.user.handle, 'brett.watson2');
    const before = await countRows(server, 'users');
    const dup = await api<ErrorBody>(server, 'POST', '/api/users', {
      token: admin.token,
      body: { email: 'BRETT@example.test', name: 'Another', password: 'password-three' },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'CONFLICT');
    assert.equal(await countRows(server, 'users'), before);
  });

  it('members cannot create users (403) and GET /api/users lists people', async () => {
    const res = await api<ErrorBody>(server, 'POST', '/api/users', {
      token: alice.token,
      body: { email: 'x@example.test', name: 'X' },
    });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'FORBIDDEN');
    const list = await api<{ users: Array<{ id: number }> }>(server, 'GET', '/api/users', {
      token: alice.token,
    });
    assert.equal(list.status, 200);
    assert.ok(list.body.users.some((u) => u.id === bob.user.id));
  });

  it('sends idempotently by clientId: the retry answers 200 with the same message, no duplicate', async () => {
    const first = await sendMessage(server, alice.token, general.id, 'hello everyone', 'retry-1');
    assert.equal(first.status, 201);
    const before = await countRows(server, 'messages');
    const retry = await sendMessage(server, alice.token, general.id, 'hello everyone', 'retry-1');
    assert.equal(retry.status, 200);
    assert.equal(retry.body.message.id, first.body.message.id);
    assert.equal(await countRows(server, 'messages'), before);
    const elsewhere = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'private', name: 'Elsewhere', memberIds: [] },
    });
    const clash = await sendMessage(server, alice.token, elsewhere.body.group.id, 'x', 'retry-1');
    assert.equal(clash.status, 409);
  });

  it('pages history newest first with exact hasMore, and recovers forward with after=', async () => {
    const room = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'private', name: 'Paging', memberIds: [bob.user.id] },
    });
    const gid = room.body.group.id;
    const ids: number[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await sendMessage(server, alice.token, gid, `m${i}`)).body.message.id);
    const page = (q: string) =>
      api<{ messages: Message[]; hasMore: boolean }>(server, 'GET', `/api/groups/${gid}/messages${q}`, {
        token: bob.token,
      });
    const newest = await page('?limit=3');
    assert.deepEqual(
      newest.body.messages.map((m) => m.content),
      ['m4', 'm5', 'm6'],
    );
    assert.equal(newest.body.hasMore, true);
    const older = await page(`?limit=3&before=${ids[4]}`);
    assert.deepEqual(
      older.body.messages.map((m) => m.content),
      ['m1', 'm2', 'm3'],
    );
    assert.equal(older.body.hasMore, true);
    const oldest = await page(`?limit=3&before=${ids[1]}`);
    assert.deepEqual(
      oldest.body.messages.map((m) => m.content),
      ['m0'],
    );
    assert.equal(oldest.body.hasMore, false);
    const exact = await page(`?limit=1&before=${ids[1]}`);
    assert.equal(exact.body.hasMore, false, 'exactly one older message left: no phantom "load older"');
    const forward = await page(`?limit=4&after=${ids[1]}`);
    assert.deepEqual(
      forward.body.messages.map((m) => m.content),
      ['m2', 'm3', 'm4', 'm5'],
    );
    assert.equal(forward.body.hasMore, true);
    const tail = await page(`?after=${ids[5]}`);
    assert.deepEqual(
      tail.body.messages.map((m) => m.content),
      ['m6'],
    );
    assert.equal(tail.body.hasMore, false);
    for (const q of [
      '?limit=0',
      '?limit=101',
      '?limit=x',
      '?before=-1',
      `?before=${ids[3]}&after=${ids[1]}`,
      '?nope=1',
    ]) {
      const bad = await page(q);
      assert.equal(bad.status, 400, q);
      assert.equal((bad.body as unknown as ErrorBody).error.code, 'VALIDATION_FAILED');
    }
  });

  it('private groups are invisible to non-members: 404 on read, send, rename, members', async () => {
    const room = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'private', name: 'Secret', memberIds: [bob.user.id] },
    });
    const gid = room.body.group.id;
    const msg = await sendMessage(server, bob.token, gid, 'for alice and bob');
    const before = await countRows(server, 'messages');
    const probes = [
      api(server, 'GET', `/api/groups/${gid}`, { token: eve.token }),
      api(server, 'GET', `/api/groups/${gid}/messages`, { token: eve.token }),
      sendMessage(server, eve.token, gid, 'let me in'),
      api(server, 'PATCH', `/api/groups/${gid}`, { token: eve.token, body: { name: 'Mine' } }),
      api(server, 'POST', `/api/groups/${gid}/members`, {
        token: eve.token,
        body: { userIds: [eve.user.id] },
      }),
      api(server, 'POST', `/api/groups/${gid}/read`, {
        token: eve.token,
        body: { messageId: msg.body.message.id },
      }),
      api(server, 'PATCH', `/api/messages/${msg.body.message.id}`, {
        token: eve.token,
        body: { content: 'x' },
      }),
      api(server, 'DELETE', `/api/messages/${msg.body.message.id}`, { token: eve.token }),
    ];
    for (const res of await Promise.all(probes)) {
      assert.equal(res.status, 404, JSON.stringify(res.body));
      assert.equal((res.body as ErrorBody).error.code, 'NOT_FOUND');
    }
    assert.equal(await countRows(server, 'messages'), before);
    const list = await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: eve.token });
    assert.ok(!list.body.groups.some((g) => g.id === gid));
    const unknown = await api(server, 'GET', '/api/groups/999999/messages', { token: alice.token });
    assert.equal(unknown.status, 404);
  });

  it('membership changes post the system messages of the spec', async () => {
    const room = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'private', name: 'Team', memberIds: [] },
    });
    const gid = room.body.group.id;
    const added = await api<{ members: Array<{ id: number }> }>(
      server,
      'POST',
      `/api/groups/${gid}/members`,
      {
        token: alice.token,
        body: { userIds: [bob.user.id] },
      },
    );
    assert.equal(added.status, 200);
    assert.equal(added.body.members.length, 2);
    await api(server, 'POST', `/api/groups/${gid}/members`, {
      token: alice.token,
      body: {
        userIds: [eve.user.id, admin && (await login(server, ADMIN.email, ADMIN.password, 'mobile')).user.id],
      },
    });
    const byBob = await api<ErrorBody>(server, 'DELETE', `/api/groups/${gid}/members/${eve.user.id}`, {
      token: bob.token,
    });
    assert.equal(byBob.status, 403, 'only owner or admin removes others');
    assert.equal(
      (await api(server, 'DELETE', `/api/groups/${gid}/members/${eve.user.id}`, { token: alice.token }))
        .status,
      204,
    );
    const missing = await api(server, 'DELETE', `/api/groups/${gid}/members/${eve.user.id}`, {
      token: alice.token,
    });
    assert.equal(missing.status, 404);
    const hist = await api<{ messages: Message[] }>(server, 'GET', `/api/groups/${gid}/messages`, {
      token: bob.token,
    });
    const system = hist.body.messages.filter((m) => m.kind === 'system').map((m) => m.content);
    assert.deepEqual(system, [
      'Bob Bee has joined the conversation.',
      '2 new members have joined the conversation.',
      'Eve Eavesdropper has been removed from the conversation.',
    ]);
    const bad = await api<ErrorBody>(server, 'POST', `/api/groups/${gid}/members`, {
      token: alice.token,
      body: { userIds: [424242] },
    });
    assert.equal(bad.status, 404);
    const empty = await api<ErrorBody>(server, 'POST', `/api/groups/${gid}/members`, {
      token: alice.token,
      body: { userIds: [] },
    });
    assert.equal(empty.status, 400);
  });

  it('direct messages: one per pair, named after the other person, 200 when it exists', async () => {
    const first = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'direct', memberIds: [bob.user.id] },
    });
    assert.equal(first.status, 201);
    assert.equal(first.body.group.name, 'Bob Bee');
    const again = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: bob.token,
      body: { type: 'direct', memberIds: [alice.user.id] },
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.group.id, first.body.group.id);
    assert.equal(again.body.group.name, 'Alice Ant');
    for (const memberIds of [[], [alice.user.id], [bob.user.id, eve.user.id]]) {
      const bad = await api(server, 'POST', '/api/groups', {
        token: alice.token,
        body: { type: 'direct', memberIds },
      });
      assert.equal(bad.status, 400, JSON.stringify(memberIds));
    }
    const rename = await api(server, 'PATCH', `/api/groups/${first.body.group.id}`, {
      token: alice.token,
      body: { name: 'x' },
    });
    assert.equal(rename.status, 403);
  });

  it('unread counts follow read positions; read-all clears them', async () => {
    const room = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'private', name: 'Unread', memberIds: [bob.user.id] },
    });
    const gid = room.body.group.id;
    const sent: number[] = [];
    for (let i = 0; i < 3; i++)
      sent.push((await sendMessage(server, alice.token, gid, `u${i}`)).body.message.id);
    const unread = async () =>
      (await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: bob.token })).body.groups.find(
        (g) => g.id === gid,
      )!.unread;
    assert.equal(await unread(), 3);
    assert.equal(
      (
        await api(server, 'POST', `/api/groups/${gid}/read`, {
          token: bob.token,
          body: { messageId: sent[1] },
        })
      ).status,
      204,
    );
    assert.equal(await unread(), 1);
    await api(server, 'POST', `/api/groups/${gid}/read`, { token: bob.token, body: { messageId: sent[0] } });
    assert.equal(await unread(), 1, 'read position never moves back');
    const foreign = await sendMessage(server, alice.token, general.id, 'in general');
    const wrongGroup = await api(server, 'POST', `/api/groups/${gid}/read`, {
      token: bob.token,
      body: { messageId: foreign.body.message.id },
    });
    assert.equal(wrongGroup.status, 404);
    assert.equal((await api(server, 'POST', '/api/groups/read-all', { token: bob.token })).status, 204);
    const all = await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: bob.token });
    assert.ok(all.body.groups.every((g) => g.unread === 0));
  });

  it('edit keeps history and only the author may edit; delete is soft and author/admin only', async () => {
    const msg = (await sendMessage(server, alice.token, general.id, 'first draft')).body.message;
    const byBob = await api(server, 'PATCH', `/api/messages/${msg.id}`, {
      token: bob.token,
      body: { content: 'hijack' },
    });
    assert.equal(byBob.status, 403);
    const edited = await api<{ message: Message }>(server, 'PATCH', `/api/messages/${msg.id}`, {
      token: alice.token,
      body: { content: 'final text' },
    });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.message.content, 'final text');
    assert.ok(edited.body.message.editedAt);
    const { rows } = await server.pool.query(
      'SELECT content FROM public.message_edits WHERE message_id = $1',
      [msg.id],
    );
    assert.deepEqual(rows, [{ content: 'first draft' }]);
    for (const body of [{ content: '' }, { content: 5 }, {}, { content: 'x'.repeat(4001) }]) {
      const bad = await api(server, 'PATCH', `/api/messages/${msg.id}`, { token: alice.token, body });
      assert.equal(bad.status, 400, JSON.stringify(body).slice(0, 40));
    }
    assert.equal((await api(server, 'DELETE', `/api/messages/${msg.id}`, { token: bob.token })).status, 403);
    assert.equal(
      (await api(server, 'DELETE', `/api/messages/${msg.id}`, { token: admin.token })).status,
      204,
    );
    const hist = await api<{ messages: Message[] }>(server, 'GET', `/api/groups/${general.id}/messages`, {
      token: bob.token,
    });
    const gone = hist.body.messages.find((m) => m.id === msg.id)!;
    assert.ok(gone.deletedAt);
    assert.equal(gone.content, '');
    assert.equal(
      (
        await api(server, 'PATCH', `/api/messages/${msg.id}`, {
          token: alice.token,
          body: { content: 'back' },
        })
      ).status,
      409,
    );
    assert.equal((await api(server, 'DELETE', '/api/messages/99999999', { token: alice.token })).status, 404);
  });

  it('rejects bad send bodies without storing anything', async () => {
    const before = await countRows(server, 'messages');
    const url = `/api/groups/${general.id}/messages`;
    const cases: unknown[] = [
      {},
      { content: 'no client id' },
      { clientId: '', content: 'x' },
      { clientId: 'has space', content: 'x' },
      { clientId: 'c1', content: 42 },
      { clientId: 'c1', content: '   ' },
      { clientId: 'c1' },
      { clientId: 'c1', content: 'x'.repeat(4001) },
      { clientId: 'c1', content: 'x', replyTo: 'abc' },
      { clientId: 'c1', content: 'x', imageKey: 'public/image/../../etc/passwd' },
      { clientId: 'c1', content: 'x', unknown: true },
      [1, 2],
    ];
    for (const body of cases) {
      const res = await api<ErrorBody>(server, 'POST', url, { token: alice.token, body });
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 60));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    const replyElsewhere = await api(server, 'POST', url, {
      token: alice.token,
      body: { clientId: 'c-reply', content: 'x', replyTo: 99999999 },
    });
    assert.equal(replyElsewhere.status, 400);
    const badId = await api(server, 'POST', '/api/groups/abc/messages', {
      token: alice.token,
      body: { clientId: 'c', content: 'x' },
    });
    assert.equal(badId.status, 400);
    const tooBig = await api(server, 'POST', url, {
      token: alice.token,
      body: { clientId: 'big', content: 'x'.repeat(70_000) },
    });
    assert.equal(tooBig.status, 413);
    const wrongType = await api(server, 'POST', url, {
      token: alice.token,
      rawBody: 'clientId=a&content=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(wrongType.status, 415);
    assert.equal(await countRows(server, 'messages'), before);
  });

  it('validates group routes: ids, rename bodies, unknown groups', async () => {
    const room = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'private', name: 'Rename me', memberIds: [bob.user.id] },
    });
    const gid = room.body.group.id;
    for (const body of [{ name: '' }, { name: 5 }, { name: 'x'.repeat(101) }, { topic: 'x' }]) {
      const res = await api<ErrorBody>(server, 'PATCH', `/api/groups/${gid}`, { token: alice.token, body });
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 40));
    }
    const byMember = await api(server, 'PATCH', `/api/groups/${gid}`, {
      token: bob.token,
      body: { name: 'Bob rules' },
    });
    assert.equal(byMember.status, 403, 'members cannot rename a group they do not own');
    const ok = await api<{ group: Group }>(server, 'PATCH', `/api/groups/${gid}`, {
      token: alice.token,
      body: { name: 'Renamed' },
    });
    assert.equal(ok.body.group.name, 'Renamed');
    for (const url of ['/api/groups/0', '/api/groups/abc', '/api/groups/99999999999', '/api/groups/1.5']) {
      assert.equal((await api(server, 'GET', url, { token: alice.token })).status, 400, url);
    }
    assert.equal((await api(server, 'GET', '/api/groups/424242', { token: alice.token })).status, 404);
    assert.equal((await api(server, 'GET', '/api/groups', {})).status, 401);
    const badMembers = await api(server, 'POST', `/api/groups/${gid}/members`, {
      token: alice.token,
      body: { userIds: ['1'] },
    });
    assert.equal(badMembers.status, 400);
    const badRead = await api(server, 'POST', `/api/groups/${gid}/read`, {
      token: alice.token,
      body: { messageId: 'x' },
    });
    assert.equal(badRead.status, 400);
  });

  it('only admins create public channels; private groups need a name', async () => {
    const byMember = await api(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'public', name: 'Pub' },
    });
    assert.equal(byMember.status, 403);
    const noName = await api(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'private' },
    });
    assert.equal(noName.status, 400);
    const badType = await api(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'managed', name: 'M' },
    });
    assert.equal(badType.status, 400);
    const pub = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: admin.token,
      body: { type: 'public', name: 'Announcements' },
    });
    assert.equal(pub.status, 201);
    const seen = await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: eve.token });
    assert.ok(
      seen.body.groups.some((g) => g.id === pub.body.group.id),
      'public channels reach everyone',
    );
  });

  it('a direct chat with a deleted user stays readable but becomes read-only', async () => {
    const gone = await createMember(server, admin.token, 'Gone Soon');
    const dm = await api<{ group: Group }>(server, 'POST', '/api/groups', {
      token: alice.token,
      body: { type: 'direct', memberIds: [gone.user.id] },
    });
    const gid = dm.body.group.id;
    await sendMessage(server, gone.token, gid, 'bye for now');
    // The user manager's delete is a scrub (docs/PRODUCT.md §2); its effect on the chat is what matters here.
    await server.pool.query(
      `UPDATE public.users SET status = 'deleted', name = 'Deleted User', email = 'deleted_' || id || '@deleted' WHERE id = $1`,
      [gone.user.id],
    );
    const list = await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: alice.token });
    assert.equal(list.body.groups.find((g) => g.id === gid)?.readonly, true);
    const history = await api<{ messages: Message[] }>(server, 'GET', `/api/groups/${gid}/messages`, {
      token: alice.token,
    });
    assert.equal(history.body.messages.at(-1)?.content, 'bye for now');
    const send = await sendMessage(server, alice.token, gid, 'hello?');
    assert.equal(send.status, 403);
  });
});
