/**
 * A generated, default or reset password works once: until it is changed, every route but "me",
 * password change and logout answers 403 PASSWORD_CHANGE_REQUIRED, and no realtime connection opens.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { User } from '@rosterchirp/protocol';
import { adminWorldForSuite, api, connectSocket, connectStream, login } from './harness.ts';

describe('first sign-in with a given password', () => {
  const world = adminWorldForSuite();

  async function assertLocked(token: string) {
    const me = await api<{ user: User }>(world.server, 'GET', '/api/auth/me', { token });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.mustChangePassword, true);
    for (const [method, url] of [
      ['GET', '/api/groups'],
      ['GET', '/api/users'],
      ['POST', '/api/groups/read-all'],
    ] as const) {
      const res = await api<{ error: { code: string } }>(world.server, method, url, { token });
      assert.equal(res.status, 403, url);
      assert.equal(res.body.error.code, 'PASSWORD_CHANGE_REQUIRED', url);
    }
    await assert.rejects(connectSocket(world.server, token), /PASSWORD_CHANGE_REQUIRED/);
    await assert.rejects(connectStream(world.server, token), /stream refused: 403/);
  }

  it('a generated password must be changed first; then everything opens', async () => {
    const created = await api<{ user: User; password: string }>(world.server, 'POST', '/api/users', {
      token: world.adminToken,
      body: { email: 'new.person@example.test', name: 'New Person' },
    });
    assert.equal(created.body.user.mustChangePassword, true);
    const { token } = await login(world.server, 'new.person@example.test', created.body.password);
    await assertLocked(token);
    const same = await api(world.server, 'POST', '/api/auth/password', {
      token,
      body: { currentPassword: 'not-it-at-all', newPassword: 'my-own-password-1' },
    });
    assert.equal(same.status, 403, 'the current password is still checked');
    const changed = await api(world.server, 'POST', '/api/auth/password', {
      token,
      body: { currentPassword: created.body.password, newPassword: 'my-own-password-1' },
    });
    assert.equal(changed.status, 204);
    assert.equal((await api(world.server, 'GET', '/api/groups', { token })).status, 200);
    (await connectSocket(world.server, token)).close();
    assert.equal((await api(world.server, 'POST', '/api/auth/logout', { token })).status, 204);
  });

  it('an admin reset locks the account again until the person picks a password', async () => {
    const created = await api<{ user: User }>(world.server, 'POST', '/api/users', {
      token: world.adminToken,
      body: { email: 'reset.me@example.test', name: 'Reset Me', password: 'chosen-password-1' },
    });
    assert.equal(created.body.user.mustChangePassword, false, 'a password the admin typed is not forced');
    const reset = await api<{ password: string }>(
      world.server,
      'POST',
      `/api/users/${created.body.user.id}/reset-password`,
      {
        token: world.adminToken,
      },
    );
    const { token } = await login(world.server, 'reset.me@example.test', reset.body.password);
    await assertLocked(token);
  });
});
