import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Group, Message, UserGroup } from '@rosterchirp/protocol';
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
  type TestServer,
  waitFor,
} from './harness.ts';

type ErrorBody = { error: { code: string } };

describe('user groups and managed chats', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let admin: { token: string };
  let alice: Awaited<ReturnType<typeof createMember>>;
  let bob: Awaited<ReturnType<typeof createMember>>;
  let carol: Awaited<ReturnType<typeof createMember>>;
  let dan: Awaited<ReturnType<typeof createMember>>;
  let coaches: UserGroup;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg);
    admin = await login(server, ADMIN.email, ADMIN.password);
    alice = await createMember(server, admin.token, 'Alice Ant');
    bob = await createMember(server, admin.token, 'Bob Bee');
    carol = await createMember(server, admin.token, 'Carol Cat');
    dan = await createMember(server, admin.token, 'Dan Dog');
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
  });

  const history = async (token: string, gid: number) =>
    (await api<{ messages: Message[] }>(server, 'GET', `/api/groups/${gid}/messages`, { token })).body
      .messages;

  it('creating a user group creates its managed chat with the members, live', async () => {
    const aliceSocket = await connectSocket(server, alice.token);
    const events = recordEvents(aliceSocket);
    const res = await api<{ userGroup: UserGroup }>(server, 'POST', '/api/usergroups', {
      token: admin.token,
      body: { name: 'Coaches', memberIds: [alice.user.id, bob.user.id] },
    });
    assert.equal(res.status, 201);
    coaches = res.body.userGroup;
    assert.deepEqual(
      coaches.memberIds,
      [alice.user.id, bob.user.id].sort((x, y) => x - y),
    );
    await waitFor('group:updated for alice', () => events.find((e) => e.event === 'group:updated'));
    const groups = (await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: alice.token })).body
      .groups;
    const chat = groups.find((g) => g.id === coaches.managedGroupId)!;
    assert.equal(chat.type, 'managed');
    assert.equal(chat.name, 'Coaches');
    assert.deepEqual(
      (await history(bob.token, chat.id)).map((m) => m.content),
      ['2 new members have joined the conversation.'],
    );
    aliceSocket.close();
  });

  it('saving the user group syncs the chat: joins and removals with their system messages', async () => {
    const bobSocket = await connectSocket(server, bob.token);
    const bobEvents = recordEvents(bobSocket);
    const res = await api<{ userGroup: UserGroup }>(server, 'PATCH', `/api/usergroups/${coaches.id}`, {
      token: admin.token,
      body: { memberIds: [alice.user.id, carol.user.id] },
    });
    assert.equal(res.status, 200);
    await waitFor('bob removed live', () => bobEvents.find((e) => e.event === 'group:removed'));
    const texts = (await history(alice.token, coaches.managedGroupId!)).map((m) => m.content);
    assert.deepEqual(texts.slice(-2), [
      'Carol Cat has joined the conversation.',
      'Bob Bee has been removed from the conversation.',
    ]);
    assert.equal(
      (await api(server, 'GET', `/api/groups/${coaches.managedGroupId}/messages`, { token: bob.token }))
        .status,
      404,
    );
    const renamed = await api<{ userGroup: UserGroup }>(server, 'PATCH', `/api/usergroups/${coaches.id}`, {
      token: admin.token,
      body: { name: 'Head coaches' },
    });
    assert.equal(renamed.body.userGroup.name, 'Head coaches');
    const chat = (
      await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: carol.token })
    ).body.groups.find((g) => g.id === coaches.managedGroupId);
    assert.equal(chat?.name, 'Head coaches');
    bobSocket.close();
  });

  it('a managed chat is changed only through its user group', async () => {
    const gid = coaches.managedGroupId!;
    const probes = [
      api(server, 'POST', `/api/groups/${gid}/members`, {
        token: alice.token,
        body: { userIds: [dan.user.id] },
      }),
      api(server, 'DELETE', `/api/groups/${gid}/members/${carol.user.id}`, { token: alice.token }),
      api(server, 'DELETE', `/api/groups/${gid}/members/${carol.user.id}`, { token: carol.token }),
      api(server, 'PATCH', `/api/groups/${gid}`, { token: alice.token, body: { name: 'x' } }),
    ];
    for (const res of await Promise.all(probes)) assert.equal(res.status, 403);
  });

  it('only admins and managers manage user groups; bad input changes nothing', async () => {
    const before = await countRows(server, 'user_groups');
    const byMember = await api<ErrorBody>(server, 'POST', '/api/usergroups', {
      token: alice.token,
      body: { name: 'Mine', memberIds: [] },
    });
    assert.equal(byMember.status, 403);
    assert.equal((await api(server, 'GET', '/api/usergroups', { token: alice.token })).status, 403);
    const cases: Array<[unknown, number]> = [
      [{ name: '', memberIds: [] }, 400],
      [{ name: 'X', memberIds: ['1'] }, 400],
      [{ name: 'X' }, 400],
      [{ name: 'X', memberIds: [999999] }, 404],
      [{ name: 'head COACHES', memberIds: [] }, 409],
    ];
    for (const [body, status] of cases) {
      const res = await api(server, 'POST', '/api/usergroups', { token: admin.token, body });
      assert.equal(res.status, status, JSON.stringify(body));
    }
    assert.equal(
      (await api(server, 'PATCH', '/api/usergroups/999999', { token: admin.token, body: { name: 'Y' } }))
        .status,
      404,
    );
    assert.equal(await countRows(server, 'user_groups'), before);
    const users = await api<{ users: Array<{ id: number; email: string }> }>(server, 'GET', '/api/users', {
      token: admin.token,
    });
    assert.ok(users.body.users.length > 0);
  });

  it('direct-message restrictions are one-way and spare admins', async () => {
    const players = (
      await api<{ userGroup: UserGroup }>(server, 'POST', '/api/usergroups', {
        token: admin.token,
        body: { name: 'Players', memberIds: [dan.user.id] },
      })
    ).body.userGroup;
    const set = await api<{ rules: unknown[] }>(server, 'PUT', '/api/usergroups/restrictions', {
      token: admin.token,
      body: { rules: [{ fromUserGroupId: coaches.id, toUserGroupId: players.id }] },
    });
    assert.equal(set.status, 200);
    const dm = (token: string, to: number) =>
      api(server, 'POST', '/api/groups', { token, body: { type: 'direct', memberIds: [to] } });
    assert.equal((await dm(alice.token, dan.user.id)).status, 403, 'coach → player refused');
    assert.equal((await dm(dan.token, alice.user.id)).status, 201, 'player → coach allowed');
    assert.equal((await dm(admin.token, dan.user.id)).status, 201, 'admins are never restricted');
    const bad = await api(server, 'PUT', '/api/usergroups/restrictions', {
      token: admin.token,
      body: { rules: [{ fromUserGroupId: 424242, toUserGroupId: players.id }] },
    });
    assert.equal(bad.status, 404);
  });

  it('deleting a user group keeps its chat and history, as a private group', async () => {
    assert.equal(
      (await api(server, 'DELETE', `/api/usergroups/${coaches.id}`, { token: admin.token })).status,
      204,
    );
    const chat = (
      await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: alice.token })
    ).body.groups.find((g) => g.id === coaches.managedGroupId);
    assert.equal(chat?.type, 'private');
    assert.ok((await history(alice.token, chat!.id)).length >= 3);
  });

  it('on the Chat plan the Group Manager is refused with FEATURE_DISABLED', async () => {
    await server.pool.query(
      `INSERT INTO public.settings (key, value) VALUES ('plan', '"chat"') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    );
    try {
      const res = await api<ErrorBody>(server, 'GET', '/api/usergroups', { token: admin.token });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'FEATURE_DISABLED');
    } finally {
      await server.pool.query(`DELETE FROM public.settings WHERE key = 'plan'`);
    }
  });
});
