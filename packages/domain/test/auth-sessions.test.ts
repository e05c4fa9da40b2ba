/**
 * Domain rules without HTTP: the auth service over the real stores (Postgres through PgBouncer)
 * and a recording bus instead of sockets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TenantDb } from '@rosterchirp/db';
import { rooms } from '@rosterchirp/protocol';
import { createSqlStores } from '@rosterchirp/store';
import { AppError } from '../src/app-error.ts';
import { createAuditService } from '../src/audit-service.ts';
import { createAuthService } from '../src/auth-service.ts';
import { createSettingsService } from '../src/settings-service.ts';
import { createTokenSigner } from '../src/tokens.ts';
import { createTotpService } from '../src/totp-service.ts';
import { createUserService } from '../src/user-service.ts';
import { RecordingBus } from './recording-bus.ts';
import { startTenantDb } from './tenant-db-for-tests.ts';

describe('auth service: sessions end where the rules say, and their connections are told', () => {
  let world: Awaited<ReturnType<typeof startTenantDb>>;
  let db: TenantDb;
  const bus = new RecordingBus();
  const stores = createSqlStores();
  const audit = createAuditService({ stores, bus });
  const users = createUserService({ stores, audit, defaultPassword: async () => undefined });
  const auth = createAuthService({
    signer: createTokenSigner('a-test-secret-that-is-long-enough-0123456789'),
    bus,
    stores,
    users,
    settings: createSettingsService({ stores }),
    audit,
    totp: createTotpService({ stores, audit, issuer: async () => 'Test' }),
    sessionTtlDays: 1,
  });
  const credentials = { email: 'dora@domain.test', password: 'dora-password-1' };

  before(async () => {
    world = await startTenantDb();
    db = world.db;
    await users.create(db, { ...credentials, name: 'Dora Domain' });
  });
  after(() => world?.close());

  const disconnected = () => bus.calls.filter((c) => c.kind === 'disconnect').map((c) => c.whoRoom);

  it('signing in again on the same device class displaces the old session, live', async () => {
    const first = await auth.login(db, credentials, 'desktop');
    const second = await auth.login(db, credentials, 'desktop');
    const room = rooms.session('public', first.sessionId);
    assert.ok(bus.emitted('session:displaced').some((c) => c.room === room));
    assert.ok(disconnected().includes(room));
    await assert.rejects(
      auth.authenticate(db, first.token),
      (e) => e instanceof AppError && e.code === 'UNAUTHENTICATED',
    );
    assert.equal((await auth.authenticate(db, second.token)).sessionId, second.sessionId);
  });

  it('a password change ends the other sessions and keeps this one', async () => {
    const desk = await auth.login(db, credentials, 'desktop');
    const phone = await auth.login(db, credentials, 'mobile');
    bus.calls.length = 0;
    const actor = await auth.authenticate(db, desk.token);
    await auth.changePassword(db, actor, {
      currentPassword: credentials.password,
      newPassword: 'dora-password-2',
    });
    assert.deepEqual(disconnected(), [rooms.session('public', phone.sessionId)]);
    await assert.rejects(auth.authenticate(db, phone.token), AppError);
    assert.equal((await auth.authenticate(db, desk.token)).user.email, credentials.email);
    await assert.rejects(
      auth.changePassword(db, actor, { currentPassword: 'wrong-password', newPassword: 'whatever-123' }),
      (e) => e instanceof AppError && e.code === 'FORBIDDEN',
    );
  });
});
