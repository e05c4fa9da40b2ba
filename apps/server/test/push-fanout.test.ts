/**
 * A sent message notifies through durable jobs and the real Web Push protocol (the local push
 * service verifies VAPID and decrypts every body): who is notified (members but the author;
 * public channels by level and mentions), who is not (muted, quiet hours, looking right now),
 * retries that honour Retry-After without sending anyone twice, gone devices dropped, and the
 * queue in /metrics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PushStandIn, type StandInSubscription, startPushStandIn } from '@rosterchirp/infra';
import type { Group } from '@rosterchirp/protocol';
import {
  ADMIN,
  api,
  connectSocket,
  createMember,
  createPrivateGroup,
  login,
  sendMessage,
  sleep,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

describe('push notifications for messages', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let standIn: PushStandIn;
  let adminToken: string;
  let general: number;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg, { pushAllowPrivateEndpoints: true });
    standIn = await startPushStandIn();
    adminToken = (await login(server, ADMIN.email, ADMIN.password)).token;
    general = (
      await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: adminToken })
    ).body.groups.find((g) => g.type === 'public')!.id;
  });
  after(async () => {
    await standIn?.stop();
    await server?.close();
    await pg?.stop();
  });

  /** A member with one subscribed device. */
  async function subscribed(name: string) {
    const member = await createMember(server, adminToken, name);
    const device = standIn.subscribe();
    const res = await api(server, 'POST', '/api/push/subscriptions', {
      token: member.token,
      body: { subscription: { endpoint: device.endpoint, keys: device.keys }, device: 'desktop' },
    });
    assert.equal(res.status, 201);
    return { ...member, device };
  }
  const pushesTo = (device: StandInSubscription, messageId: number) =>
    standIn.received.filter((r) => r.subscriptionId === device.id && r.payload.messageId === messageId);
  /** Waits for the message's pushes to `expected`, then a little longer to see nothing else come. */
  async function settle(messageId: number, expected: StandInSubscription[], quiet: StandInSubscription[]) {
    for (const d of expected)
      await waitFor(`push to ${d.id}`, () => pushesTo(d, messageId).length > 0, 10_000);
    await sleep(700);
    for (const d of expected) assert.equal(pushesTo(d, messageId).length, 1, 'exactly one push per device');
    for (const d of quiet) assert.equal(pushesTo(d, messageId).length, 0, 'no push for this device');
  }

  it('a private group notifies every member but the author, with the documented payload', async () => {
    const ann = await subscribed('Ann Author');
    const ben = await subscribed('Ben Member');
    const cai = await subscribed('Cai Member');
    const gid = await createPrivateGroup(server, ann.token, 'Pitch crew', [ben.user.id, cai.user.id]);
    const sent = await sendMessage(server, ann.token, gid, 'Kick-off moved to **10:30**');
    assert.equal(sent.status, 201);
    const id = sent.body.message.id;
    await settle(id, [ben.device, cai.device], [ann.device]);
    const got = pushesTo(ben.device, id)[0]!;
    assert.equal(got.vapidValid, true);
    assert.deepEqual(got.payload, {
      title: 'Pitch crew',
      body: 'Ann Author: Kick-off moved to 10:30',
      groupId: gid,
      messageId: id,
      url: `/?g=${gid}`,
      tag: `group-${gid}`,
      icon: '/icon-192.png',
    });
    assert.equal(got.topic, `g${gid}`, 'an undelivered older push of this conversation is replaced');
  });

  it('a muted conversation stays silent; "mentions" hears only mentions of them', async () => {
    const ann = await subscribed('Ann Mute');
    const ben = await subscribed('Ben Muted');
    const cai = await subscribed('Cai Mentions');
    const gid = await createPrivateGroup(server, ann.token, 'Quiet room', [ben.user.id, cai.user.id]);
    for (const [who, level] of [
      [ben, 'none'],
      [cai, 'mentions'],
    ] as const) {
      const res = await api(server, 'PUT', `/api/groups/${gid}/notifications`, {
        token: who.token,
        body: { level },
      });
      assert.equal(res.status, 204);
    }
    const plain = await sendMessage(server, ann.token, gid, 'Anyone there?');
    await settle(plain.body.message.id, [], [ben.device, cai.device]);
    const mention = await sendMessage(
      server,
      ann.token,
      gid,
      `@${cai.user.handle} and @${ben.user.handle}: bibs?`,
    );
    await settle(mention.body.message.id, [cai.device], [ben.device]);
  });

  it('a public channel notifies those at "all" and whoever is mentioned; @channel reaches all but the muted', async () => {
    const ann = await subscribed('Ann Public');
    const ben = await subscribed('Ben Default');
    const cai = await subscribed('Cai All');
    const dee = await subscribed('Dee Muted');
    await api(server, 'PUT', `/api/groups/${general}/notifications`, {
      token: cai.token,
      body: { level: 'all' },
    });
    await api(server, 'PUT', `/api/groups/${general}/notifications`, {
      token: dee.token,
      body: { level: 'none' },
    });
    const plain = await sendMessage(server, ann.token, general, 'Pitch is open');
    await settle(plain.body.message.id, [cai.device], [ben.device, dee.device, ann.device]);
    const named = await sendMessage(server, ann.token, general, `@${ben.user.handle} your kit is here`);
    await settle(named.body.message.id, [ben.device, cai.device], [dee.device]);
    const everyone = await sendMessage(server, ann.token, general, '@channel training cancelled');
    await settle(everyone.body.message.id, [ben.device, cai.device], [dee.device, ann.device]);
  });

  it('nobody is notified of a conversation they are looking at right now', async () => {
    const ann = await subscribed('Ann Looker');
    const ben = await subscribed('Ben Looking');
    const gid = await createPrivateGroup(server, ann.token, 'Watched room', [ben.user.id]);
    const socket = await connectSocket(server, ben.token);
    try {
      socket.emit('conversation:viewing', { groupId: gid });
      await sleep(100);
      const seen = await sendMessage(server, ann.token, gid, 'You see this live');
      await settle(seen.body.message.id, [], [ben.device]);
      socket.emit('conversation:viewing', { groupId: null });
      await sleep(100);
      const away = await sendMessage(server, ann.token, gid, 'Now you are away');
      await settle(away.body.message.id, [ben.device], []);
    } finally {
      socket.close();
    }
  });

  it('quiet hours hold notifications back, except mentions when the person allows them', async () => {
    const ann = await subscribed('Ann Night');
    const ben = await subscribed('Ben Sleeper');
    const gid = await createPrivateGroup(server, ann.token, 'Night shift', [ben.user.id]);
    // A window around the current minute in Tokyo (no daylight saving: stable in any season).
    const tokyo = new Date(Date.now() + 9 * 3600_000);
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const quietHours = {
      start: hhmm(new Date(tokyo.getTime() - 3600_000)),
      end: hhmm(new Date(tokyo.getTime() + 3600_000)),
      timeZone: 'Asia/Tokyo',
      allowMentions: true,
    };
    const set = await api<{ preferences: { quietHours: unknown } }>(server, 'PATCH', '/api/me', {
      token: ben.token,
      body: { preferences: { quietHours } },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.preferences.quietHours, quietHours);
    const hushed = await sendMessage(server, ann.token, gid, 'Late update');
    await settle(hushed.body.message.id, [], [ben.device]);
    const urgent = await sendMessage(server, ann.token, gid, `@${ben.user.handle} pitch flooded`);
    await settle(urgent.body.message.id, [ben.device], []);
    // Off again: everything comes through.
    await api(server, 'PATCH', '/api/me', { token: ben.token, body: { preferences: { quietHours: null } } });
    const morning = await sendMessage(server, ann.token, gid, 'Morning');
    await settle(morning.body.message.id, [ben.device], []);
  });

  it('preferences refuse a bad time zone or clock time, and change nothing', async () => {
    const ben = await createMember(server, adminToken, 'Ben Prefs');
    const cases: Array<[unknown, string]> = [
      [
        { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } },
        'preferences.quietHours.timeZone',
      ],
      [{ quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } }, 'preferences.quietHours.start'],
      [{ sounds: { volume: 3 } }, 'preferences.sounds.volume'],
      [{ theme: 'neon' }, 'preferences.theme'],
    ];
    for (const [preferences, field] of cases) {
      const res = await api<{ error: { code: string; details: { field: string } } }>(
        server,
        'PATCH',
        '/api/me',
        {
          token: ben.token,
          body: { preferences },
        },
      );
      assert.equal(res.status, 400, JSON.stringify(preferences));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.equal(res.body.error.details.field, field, JSON.stringify(res.body));
    }
    const me = await api<{ preferences: { quietHours: unknown; sounds: { volume: number }; theme: string } }>(
      server,
      'GET',
      '/api/auth/me',
      { token: ben.token },
    );
    assert.equal(me.body.preferences.quietHours, null);
    assert.equal(me.body.preferences.sounds.volume, 0.6);
    assert.equal(me.body.preferences.theme, 'system');
  });

  it('a 503 with Retry-After is retried no sooner than asked, and nobody gets a second copy', async () => {
    const ann = await subscribed('Ann Retry');
    const ben = await subscribed('Ben Flaky');
    const cai = await subscribed('Cai Steady');
    const gid = await createPrivateGroup(server, ann.token, 'Flaky room', [ben.user.id, cai.user.id]);
    standIn.failNext(ben.device.id, 1, 503, '2');
    const sent = await sendMessage(server, ann.token, gid, 'Through the outage');
    const id = sent.body.message.id;
    await settle(id, [ben.device, cai.device], []);
    const refusedAt = standIn.attempts.find(
      (a) => a.subscriptionId === ben.device.id && a.status === 503,
    )!.at;
    const deliveredAt = pushesTo(ben.device, id)[0]!.at;
    assert.ok(deliveredAt - refusedAt >= 1900, `retried after ${deliveredAt - refusedAt} ms`);
    const list = await api<{ subscriptions: Array<{ userId: number; lastError: string | null }> }>(
      server,
      'GET',
      '/api/push/subscriptions',
      { token: adminToken },
    );
    assert.equal(
      list.body.subscriptions.find((s) => s.userId === ben.user.id)?.lastError,
      null,
      'cleared by the success',
    );
  });

  it('a retried send enqueues again but notifies once; a gone device (410) is deleted', async () => {
    const ann = await subscribed('Ann Twice');
    const ben = await subscribed('Ben Once');
    const cai = await subscribed('Cai Gone');
    const gid = await createPrivateGroup(server, ann.token, 'Retry room', [ben.user.id, cai.user.id]);
    standIn.expire(cai.device.id);
    const first = await sendMessage(server, ann.token, gid, 'Said once', 'client-said-once');
    const again = await sendMessage(server, ann.token, gid, 'Said once', 'client-said-once');
    assert.equal(again.body.message.id, first.body.message.id);
    await settle(first.body.message.id, [ben.device], [cai.device]);
    await waitFor('the gone subscription deleted', async () => {
      const { rows } = await server.pool.query('SELECT 1 FROM public.push_subscriptions WHERE user_id = $1', [
        cai.user.id,
      ]);
      return rows.length === 0;
    });
  });

  it('/metrics shows the queues and the push outcomes', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /rosterchirp_jobs\{queue="push-fanout",state="queued"\} \d+/);
    assert.match(res.body, /rosterchirp_jobs\{queue="push-fanout",state="failed"\} 0/);
    assert.match(res.body, /rosterchirp_push_deliveries_total\{outcome="sent"\} [1-9]/);
    assert.match(res.body, /rosterchirp_push_deliveries_total\{outcome="gone"\} [1-9]/);
  });
});
