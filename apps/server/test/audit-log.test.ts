/**
 * The tenant audit log: each action of docs/API.md "Audit" writes one entry (who, what, target,
 * address), newest first, filterable by action and actor, paged; admins hear new entries live
 * and nobody else does; an entry is in the same transaction as its change.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TenantAuditEntry, User } from '@rosterchirp/protocol';
import { generate } from 'otplib';
import {
  ADMIN,
  api,
  connectSocket,
  createMember,
  publicChannel,
  recordEvents,
  restBarrier,
  startAdminWorld,
  type TestServer,
  waitFor,
} from './harness.ts';

describe('tenant audit log', () => {
  let world: Awaited<ReturnType<typeof startAdminWorld>>;
  let server: TestServer;
  let adminToken: string;
  let adminId: number;

  before(async () => {
    world = await startAdminWorld();
    ({ server, adminToken } = world);
    adminId = (await api<{ user: User }>(server, 'GET', '/api/auth/me', { token: adminToken })).body.user.id;
  });
  after(() => world?.close());

  const entries = async (query = '') => {
    const res = await api<{ entries: TenantAuditEntry[]; hasMore: boolean }>(
      server,
      'GET',
      `/api/audit${query}`,
      {
        token: adminToken,
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
    const member = await createMember(server, adminToken, 'Audited Person');
    const id = String(member.user.id);
    const asAdmin = { type: 'user', id };

    let e = await latest('user.created');
    assert.deepEqual(e.actor, { id: adminId, name: ADMIN.name });
    assert.deepEqual(e.target, asAdmin);
    assert.equal(e.details.email, member.user.email);
    assert.ok(e.ip, 'the address is recorded');

    e = await latest('auth.login');
    assert.deepEqual(e.actor, { id: member.user.id, name: 'Audited Person' });

    await api(server, 'POST', '/api/auth/login', {
      body: { email: member.user.email, password: 'wrong-one!' },
    });
    e = await latest('auth.login_failed');
    assert.equal(e.actor, null, 'nobody is signed in yet');
    assert.deepEqual(e.target, asAdmin);
    assert.equal(e.details.reason, 'password');
    await api(server, 'POST', '/api/auth/login', {
      body: { email: 'nobody@example.test', password: 'whatever!' },
    });
    e = await latest('auth.login_failed');
    assert.equal(e.target, null);
    assert.equal(e.details.email, 'nobody@example.test');

    await api(server, 'POST', '/api/auth/password', {
      token: member.token,
      body: { currentPassword: member.password, newPassword: 'a-brand-new-password' },
    });
    e = await latest('auth.password_changed');
    assert.equal(e.actor?.id, member.user.id);

    const setup = await api<{ secret: string }>(server, 'POST', '/api/auth/totp/setup', {
      token: member.token,
    });
    await api(server, 'POST', '/api/auth/totp/enable', {
      token: member.token,
      body: { code: await generate({ secret: setup.body.secret }) },
    });
    assert.equal((await latest('auth.totp_enabled')).actor?.id, member.user.id);
    await api(server, 'POST', '/api/auth/totp/disable', {
      token: member.token,
      body: { password: 'a-brand-new-password' },
    });
    assert.equal((await latest('auth.totp_disabled')).actor?.id, member.user.id);

    await api(server, 'PATCH', `/api/users/${id}`, { token: adminToken, body: { name: 'Renamed Person' } });
    e = await latest('user.updated');
    assert.deepEqual(e.details.name, { from: 'Audited Person', to: 'Renamed Person' });
    await api(server, 'PATCH', `/api/users/${id}`, { token: adminToken, body: { role: 'manager' } });
    e = await latest('user.role_changed');
    assert.deepEqual(e.details, { from: 'member', to: 'manager' });

    await api(server, 'POST', `/api/users/${id}/reset-password`, { token: adminToken });
    assert.deepEqual((await latest('user.password_reset')).target, asAdmin);
    await api(server, 'POST', `/api/users/${id}/suspend`, { token: adminToken });
    assert.deepEqual((await latest('user.suspended')).target, asAdmin);
    await api(server, 'POST', `/api/users/${id}/unsuspend`, { token: adminToken });
    assert.deepEqual((await latest('user.unsuspended')).target, asAdmin);

    await api(server, 'POST', '/api/users/import', {
      token: adminToken,
      body: { csv: 'name,email\nImported One,imported.one@audit.test\n', dryRun: false },
    });
    e = await latest('user.imported');
    assert.equal(e.details.email, 'imported.one@audit.test');

    await api(server, 'PATCH', '/api/settings', { token: adminToken, body: { registrationOpen: true } });
    e = await latest('settings.updated');
    assert.deepEqual(e.details, { registrationOpen: { from: false, to: true } });

    const group = await api<{ group: { id: number } }>(server, 'POST', '/api/groups', {
      token: adminToken,
      body: { type: 'public', name: 'Audited channel' },
    });
    e = await latest('group.created');
    assert.deepEqual(e.target, { type: 'group', id: String(group.body.group.id) });
    assert.equal(e.details.name, 'Audited channel');

    await api(server, 'DELETE', `/api/users/${id}`, { token: adminToken });
    e = await latest('user.deleted');
    assert.equal(e.details.name, 'Renamed Person', 'who it was, though the account is scrubbed');
  });

  it('filters by action and actor, pages newest first, and only admins may read it', async () => {
    const member = await createMember(server, adminToken, 'Filter Person');
    const byMember = await entries(`?actorId=${member.user.id}`);
    assert.ok(byMember.entries.length >= 1);
    assert.ok(byMember.entries.every((x) => x.actor?.id === member.user.id));

    const first = await entries('?limit=2');
    assert.equal(first.entries.length, 2);
    assert.equal(first.hasMore, true);
    assert.ok(first.entries[0]!.id > first.entries[1]!.id, 'newest first');
    const next = await entries(`?limit=2&before=${first.entries[1]!.id}`);
    assert.ok(next.entries[0]!.id < first.entries[1]!.id);

    const forbidden = await api<{ error: { code: string } }>(server, 'GET', '/api/audit', {
      token: member.token,
    });
    assert.equal(forbidden.status, 403);
    for (const query of ['?limit=0', '?limit=abc', '?action=DROP TABLE', '?actorId=-1', '?other=1']) {
      const bad = await api<{ error: { code: string } }>(server, 'GET', `/api/audit${query}`, {
        token: adminToken,
      });
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.error.code, 'VALIDATION_FAILED', query);
    }
  });

  it('admins hear new entries live; members do not, until they are made admin', async () => {
    const member = await createMember(server, adminToken, 'Live Watcher');
    const adminSocket = await connectSocket(server, adminToken);
    const memberSocket = await connectSocket(server, member.token);
    const adminHeard = recordEvents(adminSocket);
    const memberHeard = recordEvents(memberSocket);
    try {
      const other = await createMember(server, adminToken, 'Someone New');
      await waitFor('audit:new at the admin', () =>
        adminHeard.some(
          (h) =>
            h.event === 'audit:new' &&
            (h.data as { entry: TenantAuditEntry }).entry.target?.id === String(other.user.id),
        ),
      );
      const channel = await publicChannel(server, adminToken);
      await restBarrier(server, adminToken, channel, [memberHeard]);
      assert.equal(memberHeard.filter((h) => h.event === 'audit:new').length, 0, 'members never hear it');

      await api(server, 'PATCH', `/api/users/${member.user.id}`, {
        token: adminToken,
        body: { role: 'admin' },
      });
      await api(server, 'POST', `/api/users/${other.user.id}/suspend`, { token: adminToken });
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
    const taken = await api(server, 'POST', '/api/users', {
      token: adminToken,
      body: { email: ADMIN.email, name: 'Same Address' },
    });
    assert.equal(taken.status, 409, 'the address is taken');
    const suspendSelf = await api(server, 'POST', `/api/users/${adminId}/suspend`, { token: adminToken });
    assert.equal(suspendSelf.status, 403);
    const after = (await entries('?limit=1')).entries[0]!.id;
    assert.equal(after, before);
  });
});
