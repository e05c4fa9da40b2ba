/**
 * An instance killed (SIGKILL) in the middle of a message's push fan-out: the job outlives it,
 * another instance finishes the fan-out after the lease, and every device has the notification
 * exactly once — those pushed before the kill are not pushed again, and those whose request was
 * in flight when the process died (never acknowledged) are pushed by the survivor.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type InstanceHandle,
  type PushStandIn,
  type StandInSubscription,
  startInstance,
  startPushStandIn,
  startTestDatabase,
  type TestDatabase,
} from '@rosterchirp/infra';
import { http } from './cluster-kit.ts';
import { sleep, waitFor } from './harness.ts';

const MEMBERS = 60;

describe('push fan-out survives a killed instance', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let dir: string;
  let standIn: PushStandIn;
  const instances: InstanceHandle[] = [];
  let env: Record<string, string>;
  const admin = { email: 'admin@example.test', password: 'admin-password-1' };

  before(async () => {
    db = await startTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'rc-push-kill-'));
    standIn = await startPushStandIn();
    env = {
      DATABASE_URL: db.url,
      DATABASE_DIRECT_URL: db.directUrl,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      ADMIN_EMAIL: admin.email,
      ADMIN_PASS: admin.password,
      DATA_DIR: join(dir, 'data'),
      PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true',
      PUSH_CONCURRENCY: '4',
      JOB_LEASE_SECONDS: '3',
      JOB_MAINTENANCE_SECONDS: '1',
      JOB_POLL_SECONDS: '1',
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
      LOG_LEVEL: 'info',
    };
  });
  after(async () => {
    for (const i of instances) await i.stop().catch(() => undefined);
    await standIn?.stop();
    await db?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('every device is notified exactly once', async () => {
    const first = await startInstance({ name: 'first', env, logFile: join(dir, 'first.log') });
    instances.push(first);
    const login = async (email: string, password: string) => {
      const res = await http<{ token: string; user: { id: number } }>(
        first.url,
        'POST',
        '/api/auth/login',
        undefined,
        {
          email,
          password,
          device: 'mobile',
        },
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const adminToken = (await login(admin.email, admin.password)).token;
    const devices: StandInSubscription[] = [];
    const memberIds: number[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      const email = `member${i}@example.test`;
      const password = `member-password-${i}`;
      const created = await http(first.url, 'POST', '/api/users', adminToken, {
        email,
        name: `Member ${i}`,
        password,
      });
      assert.equal(created.status, 201);
      const member = await login(email, password);
      const device = standIn.subscribe();
      const res = await http(first.url, 'POST', '/api/push/subscriptions', member.token, {
        subscription: { endpoint: device.endpoint, keys: device.keys },
        device: 'mobile',
      });
      assert.equal(res.status, 201);
      devices.push(device);
      memberIds.push(member.user.id);
    }
    const group = await http<{ group: { id: number } }>(first.url, 'POST', '/api/groups', adminToken, {
      type: 'private',
      name: 'Everyone',
      memberIds,
    });
    assert.equal(group.status, 201);

    const sent = await http<{ message: { id: number } }>(
      first.url,
      'POST',
      `/api/groups/${group.body.group.id}/messages`,
      adminToken,
      { clientId: 'kill-me', content: 'Match moved to Sunday' },
    );
    assert.equal(sent.status, 201);
    const messageId = sent.body.message.id;
    const mine = () => standIn.received.filter((r) => r.payload.messageId === messageId);

    // Some pushes land, then the service stops answering: the next ones are in flight when
    // the instance is killed.
    await waitFor('the first pushes', () => mine().length >= 10, 20_000);
    standIn.hold();
    await waitFor('pushes in flight', () => standIn.held() >= 1, 10_000);
    const before = mine().length;
    first.child.kill('SIGKILL');
    await first.exited;
    await sleep(300);
    standIn.release(); // the dead sender's requests are dropped, never acknowledged
    assert.ok(before < MEMBERS, `the fan-out was cut short (${before} of ${MEMBERS} before the kill)`);

    const second = await startInstance({ name: 'second', env, logFile: join(dir, 'second.log') });
    instances.push(second);
    await waitFor(
      'every device notified',
      () => new Set(mine().map((r) => r.subscriptionId)).size === MEMBERS,
      60_000,
    );
    await sleep(2000);
    const perDevice = new Map<string, number>();
    for (const r of mine()) perDevice.set(r.subscriptionId, (perDevice.get(r.subscriptionId) ?? 0) + 1);
    assert.deepEqual(
      devices.filter((d) => perDevice.get(d.id) !== 1).map((d) => [d.id, perDevice.get(d.id) ?? 0]),
      [],
      'each device exactly once',
    );
  });
});
