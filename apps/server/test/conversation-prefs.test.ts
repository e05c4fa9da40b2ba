/**
 * A person's choices about a conversation: how much it notifies them (all, mentions, none) and
 * leaving or joining a public channel — their own, shown on their other devices live, and
 * nobody else's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Group } from '@rosterchirp/protocol';
import {
  adminWorldForSuite,
  api,
  connectSocket,
  createMember,
  createPrivateGroup,
  publicChannel,
  recordEvents,
  waitFor,
} from './harness.ts';

describe('conversation preferences', () => {
  const world = adminWorldForSuite();

  const groupsOf = async (token: string) =>
    (await api<{ groups: Group[] }>(world.server, 'GET', '/api/groups', { token })).body.groups;

  it('notification levels: defaults by kind, each person their own, live on their devices', async () => {
    const ann = await createMember(world.server, world.adminToken, 'Ann Prefs');
    const ben = await createMember(world.server, world.adminToken, 'Ben Prefs');
    const general = await publicChannel(world.server, world.adminToken);
    const privateId = await createPrivateGroup(world.server, ann.token, 'Prefs room', [ben.user.id]);
    let mine = await groupsOf(ann.token);
    assert.equal(mine.find((g) => g.id === general)?.notify, 'mentions', 'public: mentions by default');
    assert.equal(mine.find((g) => g.id === privateId)?.notify, 'all', 'private: everything by default');

    const socket = await connectSocket(world.server, ann.token);
    const heard = recordEvents(socket);
    try {
      const set = await api(world.server, 'PUT', `/api/groups/${privateId}/notifications`, {
        token: ann.token,
        body: { level: 'none' },
      });
      assert.equal(set.status, 204);
      await waitFor('group:updated with the new level', () =>
        heard.some(
          (h) => h.event === 'group:updated' && (h.data as { group: Group }).group.notify === 'none',
        ),
      );
    } finally {
      socket.close();
    }
    mine = await groupsOf(ann.token);
    assert.equal(mine.find((g) => g.id === privateId)?.notify, 'none');
    assert.equal(
      (await groupsOf(ben.token)).find((g) => g.id === privateId)?.notify,
      'all',
      "Ben's is his own",
    );

    for (const body of [{ level: 'loud' }, {}, { level: 'all', extra: 1 }]) {
      const res = await api(world.server, 'PUT', `/api/groups/${privateId}/notifications`, {
        token: ann.token,
        body,
      });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const outsider = await createMember(world.server, world.adminToken, 'Out Sider');
    const refused = await api(world.server, 'PUT', `/api/groups/${privateId}/notifications`, {
      token: outsider.token,
      body: { level: 'all' },
    });
    assert.equal(refused.status, 404, 'a private group of others does not exist for you');
  });

  it('a public channel is left and joined again; groups are left through their members', async () => {
    const cy = await createMember(world.server, world.adminToken, 'Cy Channel');
    const general = await publicChannel(world.server, world.adminToken);
    const left = await api<{ group: Group }>(world.server, 'POST', `/api/groups/${general}/leave`, {
      token: cy.token,
    });
    assert.equal(left.status, 200);
    assert.equal(left.body.group.joined, false);
    assert.equal(
      (await groupsOf(cy.token)).find((g) => g.id === general)?.joined,
      false,
      'still listed, as left',
    );
    assert.equal(
      (await groupsOf(world.adminToken)).find((g) => g.id === general)?.joined,
      true,
      'only for Cy',
    );
    const joined = await api<{ group: Group }>(world.server, 'POST', `/api/groups/${general}/join`, {
      token: cy.token,
    });
    assert.equal(joined.body.group.joined, true);

    const privateId = await createPrivateGroup(world.server, cy.token, 'Cy room', []);
    const wrong = await api(world.server, 'POST', `/api/groups/${privateId}/leave`, { token: cy.token });
    assert.equal(wrong.status, 403);
  });
});
