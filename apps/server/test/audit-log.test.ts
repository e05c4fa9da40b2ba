/**
 * The tenant audit log: each action of docs/API.md "Audit" writes one entry (who, what, target,
 * address), newest first, filterable by action and actor, paged; admins hear new entries live
 * and nobody else does; an entry is in the same transaction as its change.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { TenantAuditEntry, User } from '@rosterchirp/protocol';
import { generate } from 'otplib';
import {
  ADMIN,
  adminWorldForSuite,
  api,
  connectSocket,
  createMember,
  publicChannel,
  recordEvents,
  restBarrier,
  waitFor,
} from './harness.ts';

describe('tenant audit log', () => {
  const world = adminWorldForSuite();
  let adminId: number;

  before(async () => {
    adminId = (await api<{ user: User }>(world.server, 'GET', '/api/auth/me', { token: world.adminToken }))
      .body.user.id;
  });

  const entries = async (query = '') => {
    const res = await api<{ entries: TenantAuditEntry[]; hasMore: boolean }>(
      world.server,
      'GET',
      `/api/audit${query}`,
      {
        token: world.adminToken,
      },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  /** The newest entry of `action`, which must exist. */
  const latest = async (action: string) => {
    const found = (await entries(`?action=${action}&limit=1`)).entries[0];
    assert.ok(found, `an entry for ${action}`);
    assert.equal(found.action, action);
    return found;
  };

  it('every listed action writes its entry: who, what, target and from where', async () => {
    const member = await createMember(world.server, world.adminToken, 'Audited Person');
    const id = String(member.user.id);
    const asAdmin = { type: 'user', id };

    let e = await latest('user.created');
    assert.deepEqual(e.actor, { id: adminId, name: ADMIN.name });
    assert.deepEqual(e.target, asAdmin);
    assert.equal(e.details.email, member.user.email);
    assert.ok(e.ip, 'the address is recorded');

    e = await latest('auth.login');
    assert.deepEqual(e.actor, { id: member.user.id, name: 'Audited Person' });

    await api(world.server, 'POST', '/api/auth/login', {
      body: { email: member.user.email, password: 'wrong-one!' },
    });
    e = await latest('auth.login_failed');
    assert.equal(e.actor, null, 'nobody is signed in yet');
    assert.deepEqual(e.target, asAdmin);
    assert.equal(e.details.reason, 'password');
    await api(world.server, 'POST', '/api/auth/login', {
      body: { email: 'nobody@example.test', password: 'whatever!' },
    });
    e = await latest('auth.login_failed');
    assert.equal(e.target, null);
    assert.equal(e.details.email, 'nobody@example.test');

    await api(world.server, 'POST', '/api/auth/password', {
      token: member.token,
      body: { currentPassword: member.password, newPassword: 'a-brand-new-password' },
    });
    e = await latest('auth.password_changed');
    assert.equal(e.actor?.id, member.user.id);

    const setup = await api<{ secret: string }>(world.server, 'POST', '/api/auth/totp/setup', {
      token: member.token,
    });
    await api(world.server, 'POST', '/api/auth/totp/enable', {
      token: member.token,
      body: { code: await generate({ secret: setup.body.secret }) },
    });
    assert.equal((await latest('auth.totp_enabled')).actor?.id, member.user.id);
    await api(world.server, 'POST', '/api/auth/totp/disable', {
      token: member.token,
      body: { password: 'a-brand-new-password' },
    });
    assert.equal((await latest('auth.totp_disabled')).actor?.id, member.user.id);

    await api(world.server, 'PATCH', `/api/users/${id}`, {
      token: world.adminToken,
      body: { name: 'Renamed Person' },
    });
    e = await latest('user.updated');
    assert.deepEqual(e.details.name, { from: 'Audited Person', to: 'Renamed Person' });
    await api(world.server, 'PATCH', `/api/users/${id}`, {
      token: world.adminToken,
      body: { role: 'manager' },
    });
    e = await latest('user.role_changed');
    assert.deepEqual(e.details, { from: 'member', to: 'manager' });

    await api(world.server, 'POST', `/api/users/${id}/reset-password`, { token: world.adminToken });
    assert.deepEqual((await latest('user.password_reset')).target, asAdmin);
    await api(world.server, 'POST', `/api/users/${id}/suspend`, { token: world.adminToken });
    assert.deepEqual((await latest('user.suspended')).target, asAdmin);
    await api(world.server, 'POST', `/api/users/${id}/unsuspend`, { token: world.adminToken });
    assert.deepEqual((await latest('user.unsuspended')).target, asAdmin);

    await api(world.server, 'POST', '/api/users/import', {
      token: world.adminToken,
      body: { csv: 'name,email\nImported One,imported.one@audit.test\n', dryRun: false },
    });
    e = await latest('user.imported');
    assert.equal(e.details.email, 'imported.one@audit.test');

    await api(world.server, 'PATCH', '/api/settings', {
      token: world.adminToken,
      body: { registrationOpen: true },
    });
    e = await latest('settings.updated');
    assert.deepEqual(e.details, { registrationOpen: { from: false, to: true } });

    const group = await api<{ group: { id: number } }>(world.server, 'POST', '/api/groups', {
      token: world.adminToken,
      body: { type: 'public', name: 'Audited channel' },
    });
    e = await latest('group.created');
    assert.deepEqual(e.target, { type: 'group', id: String(group.body.group.id) });
    assert.equal(e.details.name, 'Audited channel');

    await api(world.server, 'DELETE', `/api/users/${id}`, { token: world.adminToken });
    e = await latest('user.deleted');
    assert.equal(e.details.name, 'Renamed Person', 'who it was, though the account is scrubbed');
  });

  it('filters by action and actor, pages newest first, and only admins may read it', async () => {
    const member = await createMember(world.server, world.adminToken, 'Filter Person');
    const byMember = await entries(`?actorId=${member.user.id}`);
    assert.ok(byMember.entries.length >= 1);
    assert.ok(byMember.entries.every((x) => x.actor?.id === member.user.id));

    const first = await entries('?limit=2');
    assert.equal(first.entries.length, 2);
    assert.equal(first.hasMore, true);
    assert.ok(first.entries[0]!.id > first.entries[1]!.id, 'newest first');
    const next = await entries(`?limit=2&before=${first.entries[1]!.id}`);
    assert.ok(next.entries[0]!.id < first.entries[1]!.id);

    const forbidden = await api<{ error: { code: string } }>(world.server, 'GET', '/api/audit', {
      token: member.token,
    });
    assert.equal(forbidden.status, 403);
    for (const query of ['?limit=0', '?limit=abc', '?action=DROP TABLE', '?actorId=-1', '?other=1']) {
      const bad = await api<{ error: { code: string } }>(world.server, 'GET', `/api/audit${query}`, {
        token: world.adminToken,
      });
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.error.code, 'VALIDATION_FAILED', query);
    }
  });

  it('admins hear new entries live; members do not, until they are made admin', async () => {
    const member = await createMember(world.server, world.adminToken, 'Live Watcher');
    const adminSocket = await connectSocket(world.server, world.adminToken);
    const memberSocket = await connectSocket(world.server, member.token);
    const adminHeard = recordEvents(adminSocket);
    const memberHeard = recordEvents(memberSocket);
    try {
      const other = await createMember(world.server, world.adminToken, 'Someone New');
      await waitFor('audit:new at the admin', () =>
        adminHeard.some(
          (h) =>
            h.event === 'audit:new' &&
            (h.data as { entry: TenantAuditEntry }).entry.target?.id === String(other.user.id),
        ),
      );
      const channel = await publicChannel(world.server, world.adminToken);
      await restBarrier(world.server, world.adminToken, channel, [memberHeard]);
      assert.equal(memberHeard.filter((h) => h.event === 'audit:new').length, 0, 'members never hear it');

      await api(world.server, 'PATCH', `/api/users/${member.user.id}`, {
        token: world.adminToken,
        body: { role: 'admin' },
      });
      await api(world.server, 'POST', `/api/users/${other.user.id}/suspend`, { token: world.adminToken });
      await waitFor('audit:new at the new admin', () =>
        memberHeard.some(
          (h) =>
            h.event === 'audit:new' &&
            (h.data as { entry: TenantAuditEntry }).entry.action === 'user.suspended',
        ),
      );
    } finally {
      adminSocket.close();
      memberSocket.close();
    }
  });

  it('a refused change writes no entry', async () => {
    const before = (await entries('?limit=1')).entries[0]!.id;
    const taken = await api(world.server, 'POST', '/api/users', {
      token: world.adminToken,
      body: { email: ADMIN.email, name: 'Same Address' },
    });
    assert.equal(taken.status, 409, 'the address is taken');
    const suspendSelf = await api(world.server, 'POST', `/api/users/${adminId}/suspend`, {
      token: world.adminToken,
    });
    assert.equal(suspendSelf.status, 403);
    const after = (await entries('?limit=1')).entries[0]!.id;
    assert.equal(after, before);
  });
});
