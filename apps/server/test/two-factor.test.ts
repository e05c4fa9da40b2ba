/**
 * Two-factor sign-in (TOTP, RFC 6238): otplib at the RFC's test vectors, setup and confirm,
 * sign-in with a code (±1 step of clock skew, never the same code twice), recovery codes that
 * work once, turning it off with the password, the per-account rate limit on codes, and the
 * setting that makes admins enrol.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { User } from '@rosterchirp/protocol';
import { generate } from 'otplib';
import { ADMIN, adminWorldForSuite, api, createMember, login } from './harness.ts';

const STEP = 30;
const codeAt = (secret: string, offsetSteps: number) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * STEP });

describe('two-factor sign-in', () => {
  const world = adminWorldForSuite();

  it('otplib gives the RFC 6238 test vectors (SHA-1, 8 digits)', async () => {
    // The RFC's key "12345678901234567890" in base32.
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
    ];
    for (const [epoch, expected] of vectors) {
      assert.equal(await generate({ secret, epoch, digits: 8 }), expected, `T=${epoch}`);
    }
  });

  async function enrol(token: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const setup = await api<{ secret: string; otpauthUrl: string; qrSvg: string }>(
      world.server,
      'POST',
      '/api/auth/totp/setup',
      { token },
    );
    assert.equal(setup.status, 200);
    assert.match(setup.body.otpauthUrl, /^otpauth:\/\/totp\/.+secret=[A-Z2-7]+/);
    assert.match(setup.body.qrSvg, /^<svg/);
    const enabled = await api<{ recoveryCodes: string[] }>(world.server, 'POST', '/api/auth/totp/enable', {
      token,
      body: { code: await codeAt(setup.body.secret, -1) },
    });
    assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
    return { secret: setup.body.secret, recoveryCodes: enabled.body.recoveryCodes };
  }

  const signIn = (email: string, password: string, extra: Record<string, string> = {}) =>
    api<{ token: string; user: User; error: { code: string; message: string } }>(
      world.server,
      'POST',
      '/api/auth/login',
      { body: { email, password, ...extra } },
    );

  it('a code confirms setup; sign-in then asks for one, accepts ±1 step once, refuses others', async () => {
    const member = await createMember(world.server, world.adminToken, 'Tess Totp');
    const { email } = member.user;
    const { secret, recoveryCodes } = await enrol(member.token);
    assert.equal(recoveryCodes.length, 10);
    assert.equal(new Set(recoveryCodes).size, 10);

    const me = await api<{ user: User }>(world.server, 'GET', '/api/auth/me', { token: member.token });
    assert.equal(me.body.user.totpEnabled, true);

    const missing = await signIn(email, member.password);
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.code, 'TOTP_REQUIRED');
    const wrongPasswordStillSaysSo = await signIn(email, 'not-the-password', { totp: '000000' });
    assert.equal(wrongPasswordStillSaysSo.body.error.code, 'UNAUTHENTICATED');

    const twoStepsOff = await signIn(email, member.password, { totp: await codeAt(secret, 2) });
    assert.equal(twoStepsOff.status, 401, 'two steps of skew is too much');
    assert.equal(twoStepsOff.body.error.code, 'UNAUTHENTICATED');

    // The setup used step -1; the current step and the next one (a fast phone) each work once.
    const now = await codeAt(secret, 0);
    assert.equal((await signIn(email, member.password, { totp: now })).status, 200);
    assert.equal((await signIn(email, member.password, { totp: now })).status, 401, 'a code is used once');
    const ahead = await signIn(email, member.password, { totp: await codeAt(secret, 1), device: 'mobile' });
    assert.equal(ahead.status, 200, 'one step ahead is within the allowed skew');
  });

  it('a recovery code signs in once; turning two-factor off needs the password', async () => {
    const member = await createMember(world.server, world.adminToken, 'Rex Recovery');
    const { email } = member.user;
    const { recoveryCodes } = await enrol(member.token);
    const code = recoveryCodes[3]!;
    const first = await signIn(email, member.password, { recoveryCode: code.toUpperCase() });
    assert.equal(first.status, 200, 'any case works');
    assert.equal((await signIn(email, member.password, { recoveryCode: code })).status, 401, 'used once');

    const token = first.body.token;
    const wrong = await api<{ error: { code: string } }>(world.server, 'POST', '/api/auth/totp/disable', {
      token,
      body: { password: 'not-my-password' },
    });
    assert.equal(wrong.status, 403);
    const off = await api(world.server, 'POST', '/api/auth/totp/disable', {
      token,
      body: { password: member.password },
    });
    assert.equal(off.status, 204);
    const plain = await signIn(email, member.password);
    assert.equal(plain.status, 200, 'no code asked once it is off');
    assert.equal(plain.body.user.totpEnabled, false);
  });

  it('wrong codes at setup are limited per account', async () => {
    const member = await createMember(world.server, world.adminToken, 'Guess Guesser');
    await api(world.server, 'POST', '/api/auth/totp/setup', { token: member.token });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await api(world.server, 'POST', '/api/auth/totp/enable', {
        token: member.token,
        body: { code: String(100000 + i) },
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429]);
  });

  it('bad input is refused with the documented error', async () => {
    const member = await createMember(world.server, world.adminToken, 'Bad Input');
    for (const body of [{}, { code: 123456 }, { code: '123456', extra: true }, { code: '' }]) {
      const res = await api<{ error: { code: string } }>(world.server, 'POST', '/api/auth/totp/enable', {
        token: member.token,
        body,
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    const noSetup = await api<{ error: { code: string } }>(world.server, 'POST', '/api/auth/totp/enable', {
      token: member.token,
      body: { code: '123456' },
    });
    assert.equal(noSetup.status, 409, 'enable before setup');
    const login400 = await api(world.server, 'POST', '/api/auth/login', {
      body: { email: member.user.email, password: member.password, totp: 123456 },
    });
    assert.equal(login400.status, 400);
  });

  it('when the organisation requires it, an admin must enrol before doing anything else', async () => {
    const other = await createMember(world.server, world.adminToken, 'Second Admin');
    await api(world.server, 'PATCH', `/api/users/${other.user.id}`, {
      token: world.adminToken,
      body: { role: 'admin' },
    });
    const on = await api<{ settings: { requireTotpForAdmins: boolean } }>(
      world.server,
      'PATCH',
      '/api/settings',
      {
        token: world.adminToken,
        body: { requireTotpForAdmins: true },
      },
    );
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.equal(on.body.settings.requireTotpForAdmins, true);

    const { token } = await login(world.server, other.user.email, other.password, 'mobile');
    const blocked = await api<{ error: { code: string } }>(world.server, 'GET', '/api/groups', { token });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.error.code, 'TOTP_ENROLMENT_REQUIRED');
    const create = await api<{ error: { code: string } }>(world.server, 'POST', '/api/users', {
      token,
      body: { email: 'not.yet@example.test', name: 'Not Yet' },
    });
    assert.equal(create.body.error.code, 'TOTP_ENROLMENT_REQUIRED', 'nothing else until enrolled');
    await enrol(token);
    assert.equal((await api(world.server, 'GET', '/api/groups', { token })).status, 200);

    // Members are not affected; the admin who turned it on is, until they enrol too.
    const member = await createMember(world.server, token, 'Plain Member');
    assert.equal((await api(world.server, 'GET', '/api/groups', { token: member.token })).status, 200);
    const first = await login(world.server, ADMIN.email, ADMIN.password, 'mobile');
    const self = await api<{ error: { code: string } }>(world.server, 'GET', '/api/groups', {
      token: first.token,
    });
    assert.equal(self.body.error.code, 'TOTP_ENROLMENT_REQUIRED');
  });
});
