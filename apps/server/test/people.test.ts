/** The directory (paged, searchable, emails only for admins and managers) and editing people. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { User } from '@rosterchirp/protocol';
import { adminWorldForSuite, api, createMember } from './harness.ts';

type Page = { users: User[]; nextCursor: string | null };

describe('people: directory and edits', () => {
  const world = adminWorldForSuite();
  let member: Awaited<ReturnType<typeof createMember>>;

  before(async () => {
    member = await createMember(world.server, world.adminToken, 'Mo Member');
    // 120 more people, in bulk (the hash of one password for all: this is about paging).
    await world.server.pool.query(
      `INSERT INTO public.users (email, name, handle, password_hash)
       SELECT 'bulk' || i || '@people.test', 'Bulk Person ' || lpad(i::text, 3, '0'), 'bulk.' || i, 'x'
       FROM generate_series(1, 120) i`,
    );
  });

  it('pages through everyone by name without skipping or repeating', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/users?limit=50${cursor ? `&cursor=${cursor}` : ''}`;
      const res: { status: number; body: Page } = await api<Page>(world.server, 'GET', url, {
        token: world.adminToken,
      });
      assert.equal(res.status, 200);
      seen.push(...res.body.users.map((u) => u.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, seen.length);
    const { rows } = await world.server.pool.query(
      "SELECT count(*)::int AS n FROM public.users WHERE status <> 'deleted'",
    );
    assert.equal(seen.length, rows[0].n);
  });

  it('searches name, handle and email; members do not see emails', async () => {
    const byName = await api<Page>(world.server, 'GET', '/api/users?q=person%20007', {
      token: world.adminToken,
    });
    assert.deepEqual(
      byName.body.users.map((u) => u.name),
      ['Bulk Person 007'],
    );
    const byEmail = await api<Page>(world.server, 'GET', '/api/users?q=bulk12%40', {
      token: world.adminToken,
    });
    assert.deepEqual(
      byEmail.body.users.map((u) => u.email),
      ['bulk12@people.test'],
    );
    const asMember = await api<Page>(world.server, 'GET', '/api/users?q=bulk.12', { token: member.token });
    assert.ok(asMember.body.users.length >= 1);
    assert.ok(
      asMember.body.users.every((u) => u.email === ''),
      'no emails for members',
    );
    assert.equal(
      (await api<Page>(world.server, 'GET', '/api/users?q=%25', { token: world.adminToken })).body.users
        .length,
      0,
      '% is literal',
    );
  });

  it('refuses bad paging input', async () => {
    for (const url of [
      '/api/users?cursor=not-ours',
      '/api/users?limit=201',
      '/api/users?limit=0',
      '/api/users?extra=1',
    ]) {
      const res = await api<{ error: { code: string } }>(world.server, 'GET', url, {
        token: world.adminToken,
      });
      assert.equal(res.status, 400, url);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
  });

  it('admins edit name, display name and role; the last admin stays one; members cannot', async () => {
    const res = await api<{ user: User }>(world.server, 'PATCH', `/api/users/${member.user.id}`, {
      token: world.adminToken,
      body: { name: 'Mo Renamed', displayName: 'Mo', role: 'manager' },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      [res.body.user.name, res.body.user.displayName, res.body.user.role],
      ['Mo Renamed', 'Mo', 'manager'],
    );
    const me = (await api<{ user: User }>(world.server, 'GET', '/api/auth/me', { token: world.adminToken }))
      .body.user;
    const demote = await api<{ error: { message: string } }>(world.server, 'PATCH', `/api/users/${me.id}`, {
      token: world.adminToken,
      body: { role: 'member' },
    });
    assert.equal(demote.status, 409);
    assert.match(demote.body.error.message, /last admin/);
    for (const body of [{}, { role: 'owner' }, { name: '' }, { email: 'x@y.z' }, { name: 'a\u0000b' }]) {
      assert.equal(
        (await api(world.server, 'PATCH', `/api/users/${member.user.id}`, { token: world.adminToken, body }))
          .status,
        400,
        JSON.stringify(body),
      );
    }
    assert.equal(
      (
        await api(world.server, 'PATCH', '/api/users/999999', {
          token: world.adminToken,
          body: { name: 'X' },
        })
      ).status,
      404,
    );
    const other = await createMember(world.server, world.adminToken, 'Ola Other');
    assert.equal(
      (
        await api(world.server, 'PATCH', `/api/users/${member.user.id}`, {
          token: other.token,
          body: { name: 'Hijack' },
        })
      ).status,
      403,
    );
  });

  it('everyone edits their own profile; phones are shown to admins, managers and the person only', async () => {
    const pat = await createMember(world.server, world.adminToken, 'Pat Profile');
    const res = await api<{ user: User }>(world.server, 'PATCH', '/api/me', {
      token: pat.token,
      body: { displayName: '  Pat  ', aboutMe: 'Goalkeeper', phone: '+44 20 7946 0000' },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      [res.body.user.displayName, res.body.user.aboutMe, res.body.user.phone],
      ['Pat', 'Goalkeeper', '+44 20 7946 0000'],
    );
    const cleared = await api<{ user: User }>(world.server, 'PATCH', '/api/me', {
      token: pat.token,
      body: { aboutMe: null, displayName: ' ' },
    });
    assert.deepEqual(
      [cleared.body.user.displayName, cleared.body.user.aboutMe, cleared.body.user.phone],
      [null, null, '+44 20 7946 0000'],
    );
    for (const body of [
      {},
      { phone: 'call me maybe' },
      { role: 'admin' },
      { aboutMe: 'x'.repeat(501) },
      { displayName: 'a\u0000b' },
    ]) {
      assert.equal(
        (await api(world.server, 'PATCH', '/api/me', { token: pat.token, body })).status,
        400,
        JSON.stringify(body),
      );
    }
    assert.equal((await api(world.server, 'PATCH', '/api/me', { body: { aboutMe: 'x' } })).status, 401);
    const find = async (token: string) =>
      (await api<Page>(world.server, 'GET', '/api/users?q=pat.profile', { token })).body.users.find(
        (u) => u.id === pat.user.id,
      );
    assert.equal((await find(world.adminToken))?.phone, '+44 20 7946 0000', 'admins see it');
    assert.equal((await find(pat.token))?.phone, '+44 20 7946 0000', 'so does the person');
    const plain = await createMember(world.server, world.adminToken, 'Pia Plain'); // (the earlier member is a manager now)
    assert.equal((await find(plain.token))?.phone, null, 'members do not');
  });
});
