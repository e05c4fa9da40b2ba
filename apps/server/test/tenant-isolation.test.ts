import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PG_TYPES } from '@rosterchirp/db';
import { type RedisHandle, type S3Handle, startRedis, startS3 } from '@rosterchirp/infra';
import type { CreateUploadReply, Group, Message } from '@rosterchirp/protocol';
import { S3Storage } from '@rosterchirp/storage';
import { Redis } from 'ioredis';
import pgLib from 'pg';
import twilio from 'twilio';
import {
  barrier,
  recordEvents,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';
import {
  createTenant,
  hostApi,
  hostMode,
  type TestTenant,
  tenantApi,
  tenantLogin,
  tenantSocket,
  tenantStream,
} from './host-kit.ts';

const PNG = readFileSync(join(process.cwd(), 'apps', 'web', 'public', 'icon-192.png'));

/**
 * Two tenants built by the same steps, so their rows have the same ids (user 1 and 2, group 1
 * and 2, message 1…), on two instances sharing Redis and S3. Nothing may cross.
 */
describe('tenant isolation', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  /** A second database cluster (shard "east"): alpha lands on main, bravo on east. */
  let east: Awaited<ReturnType<typeof startTestPostgres>>;
  let eastPool: pgLib.Pool;
  let redis: RedisHandle;
  let s3: S3Handle;
  let one: TestServer;
  let two: TestServer;
  const world: Record<
    'alpha' | 'bravo',
    TestTenant & { member: { token: string; id: number }; privateId: number }
  > = {} as never;
  let bravoOnly: { groupId: number; messageId: number; key: string; eventId: number; eventStart: string };
  /** An event an hour long, two days ahead (as valid as a body can be). */
  const eventBody = (title: string) => {
    const start = new Date(Date.now() + 2 * 86_400_000);
    start.setUTCHours(9, 0, 0, 0);
    return {
      title,
      start: start.toISOString(),
      end: new Date(start.getTime() + 3600_000).toISOString(),
      typeId: 1,
      timeZone: 'UTC',
    };
  };

  const build = async (slug: 'alpha' | 'bravo') => {
    const t = await createTenant(one, slug);
    const created = await tenantApi<{ user: { id: number } }>(one, t.host, 'POST', '/api/users', {
      token: t.admin.token,
      body: { email: `member@${slug}.example`, name: 'Same Name', password: 'member-password-1' },
    });
    const member = await tenantLogin(one, t.host, `member@${slug}.example`, 'member-password-1');
    const group = await tenantApi<{ group: Group }>(one, t.host, 'POST', '/api/groups', {
      token: t.admin.token,
      body: { type: 'private', name: 'Board', memberIds: [created.body.user.id] },
    });
    await tenantApi(one, t.host, 'POST', '/api/groups/1/messages', {
      token: t.admin.token,
      body: { clientId: 'first', content: `hello from ${slug}` },
    });
    world[slug] = {
      ...t,
      member: { token: member.token, id: created.body.user.id },
      privateId: group.body.group.id,
    };
  };

  before(async () => {
    pg = await startTestPostgres();
    east = await startTestPostgres();
    const shards = { east: { url: east.url, directUrl: east.directUrl } };
    eastPool = new pgLib.Pool({ connectionString: east.url, types: PG_TYPES });
    redis = await startRedis();
    s3 = await startS3();
    const storage = new S3Storage(s3.settings);
    one = await startTestServer(pg, { hostMode, redisUrl: redis.url, storage, instanceId: 'one', shards });
    two = await startTestServer(pg, { hostMode, redisUrl: redis.url, storage, instanceId: 'two', shards });
    await build('alpha');
    await build('bravo');
    const b = world.bravo;
    const secret = await tenantApi<{ group: Group }>(one, b.host, 'POST', '/api/groups', {
      token: b.admin.token,
      body: { type: 'private', name: 'Bravo secret', memberIds: [] },
    });
    const msg = await tenantApi<{ message: Message }>(
      one,
      b.host,
      'POST',
      `/api/groups/${secret.body.group.id}/messages`,
      {
        token: b.admin.token,
        body: { clientId: 'secret', content: 'bravo eyes only' },
      },
    );
    const upload = await tenantApi<CreateUploadReply>(one, b.host, 'POST', '/api/uploads', {
      token: b.admin.token,
      body: { kind: 'image', contentType: 'image/png', size: PNG.length },
    });
    const put = await fetch(upload.body.uploadUrl, {
      method: 'PUT',
      headers: upload.body.headers,
      body: PNG,
    });
    assert.ok(put.ok, `presigned PUT: ${put.status}`);
    const event = await tenantApi<{ event: { id: number; start: string } }>(
      one,
      b.host,
      'POST',
      '/api/events',
      {
        token: b.admin.token,
        body: eventBody('bravo offsite'),
      },
    );
    assert.equal(event.status, 201);
    bravoOnly = {
      groupId: secret.body.group.id,
      messageId: msg.body.message.id,
      key: upload.body.key,
      eventId: event.body.event.id,
      eventStart: event.body.event.start,
    };
  });
  after(async () => {
    await one?.close();
    await two?.close();
    await s3?.stop();
    await redis?.stop();
    await eastPool?.end();
    await pg?.stop();
    await east?.stop();
  });

  /** Every row of a tenant schema, to prove a refused call changed nothing. */
  /** The pool of the database cluster a schema lives on (bravo: shard east). */
  const poolOf = (schema: string) => (schema === 'tenant_bravo' ? eastPool : one.pool);
  const snapshot = async (schema: string) => {
    const { rows } = await poolOf(schema).query<{ t: string }>(
      'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
      [schema],
    );
    assert.ok(rows.length > 10, `${schema} has its tables where the test looks`);
    const out: Record<string, unknown> = {};
    for (const { t } of rows) {
      out[t] = (await poolOf(schema).query(`SELECT * FROM "${schema}"."${t}" ORDER BY 1`)).rows;
    }
    return JSON.stringify(out);
  };

  it('the two tenants live on two database clusters (least-loaded placement)', async () => {
    const tenants = await hostApi<{ tenants: Array<{ slug: string; shard: string }> }>(
      one,
      'GET',
      '/api/host/tenants',
    );
    const shardOf = Object.fromEntries(tenants.body.tenants.map((t) => [t.slug, t.shard]));
    assert.deepEqual(shardOf, { alpha: 'main', bravo: 'east' });
  });

  it('the two tenants really have the same ids', () => {
    assert.equal(world.alpha.admin.user.id, world.bravo.admin.user.id);
    assert.equal(world.alpha.member.id, world.bravo.member.id);
    assert.equal(world.alpha.privateId, world.bravo.privateId);
  });

  it("every route refuses tenant A's token at tenant B and changes nothing there", async () => {
    const before = await snapshot('tenant_bravo');
    const open = new Set([
      '/api/health',
      '/api/ready',
      '/api/auth/login',
      '/api/auth/register',
      '/api/host/domain-check',
      '/api/settings', // GET is public (the sign-in page's name); PATCH is checked below
      '/api/calendar.ics', // its own secret token; checked in the next test
      '/api/sms/inbound', // Twilio's signature, not a session; checked in the integrations test
    ]);
    const routes = one.routes.filter(
      (r) => r.url.startsWith('/api/') && !open.has(r.url) && !r.url.startsWith('/api/host/'),
    );
    assert.ok(routes.length >= 25, `only ${routes.length} routes found`);
    const ids = { id: '1', userId: '2', '*': 'tenant_bravo/image/00000000-0000-0000-0000-000000000000.png' };
    // Valid bodies, so every refusal is the missing session, not the input.
    const bodies: Record<string, unknown> = {
      'POST /api/auth/password': { currentPassword: 'member-password-1', newPassword: 'new-password-123' },
      'POST /api/users': { email: 'x@bravo.example', name: 'Intruder' },
      'PATCH /api/users/:id': { name: 'Renamed' },
      'POST /api/groups': { type: 'private', name: 'Intrusion', memberIds: [] },
      'PATCH /api/groups/:id': { name: 'Renamed' },
      'POST /api/groups/:id/members': { userIds: [2] },
      'POST /api/groups/:id/messages': { clientId: 'intruder', content: 'hi' },
      'POST /api/groups/:id/read': { messageId: 1 },
      'PATCH /api/messages/:id': { content: 'edited' },
      'POST /api/messages/:id/reactions': { emoji: '👍' },
      'POST /api/uploads': { kind: 'image', contentType: 'image/png', size: 100 },
      'POST /api/uploads/cleanup': { dryRun: true },
      'POST /api/usergroups': { name: 'Intruders', memberIds: [1] },
      'PATCH /api/usergroups/:id': { name: 'Renamed' },
      'PUT /api/usergroups/restrictions': { rules: [] },
      'POST /api/auth/totp/enable': { code: '123456' },
      'PUT /api/groups/:id/notifications': { level: 'all' },
      'POST /api/push/subscriptions': {
        subscription: { endpoint: 'https://push.example/x', keys: { p256dh: 'BAAA', auth: 'AAAA' } },
      },
      'DELETE /api/push/subscriptions': { endpoint: 'https://push.example/x' },
      'POST /api/auth/totp/disable': { password: 'member-password-1' },
      'POST /api/event-types': { name: 'Intruders', color: '#000000' },
      'PATCH /api/event-types/:id': { name: 'Renamed' },
      'POST /api/events': eventBody('intrusion'),
      'PATCH /api/events/:id': { title: 'Renamed' },
      'POST /api/events/:id/rsvp': { occurrenceStart: '2030-01-01T09:00:00Z', status: 'going' },
    };
    for (const route of routes) {
      const query = route.url === '/api/search' ? '?q=hello' : '';
      const path = route.url.replace(
        /:(\w+)|\*/g,
        (m, name: string | undefined) => ids[(name ?? m) as keyof typeof ids],
      );
      const url = path + query;
      const body =
        bodies[`${route.method} ${route.url}`] ??
        (['POST', 'PATCH', 'PUT'].includes(route.method) ? {} : undefined);
      for (const token of [world.alpha.admin.token, world.alpha.member.token]) {
        const res = await tenantApi<{ error?: { code: string } }>(
          one,
          world.bravo.host,
          route.method as 'GET',
          url,
          {
            token,
            body,
          },
        );
        assert.equal(res.status, 401, `${route.method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    for (const token of [world.alpha.admin.token, world.alpha.member.token]) {
      const patch = await tenantApi(one, world.bravo.host, 'PATCH', '/api/settings', {
        token,
        body: { registrationOpen: true },
      });
      assert.equal(patch.status, 401, 'PATCH /api/settings');
      // The public read answers with B's own public settings, never the admin part, to A's admin.
      const read = await tenantApi<{ settings: Record<string, unknown> }>(
        one,
        world.bravo.host,
        'GET',
        '/api/settings',
        {
          token,
        },
      );
      assert.equal(read.status, 200);
      assert.equal('requireTotpForAdmins' in read.body.settings, false);
    }
    assert.equal(await snapshot('tenant_bravo'), before);
    // Realtime too: A's token opens neither a socket nor a stream at B.
    await assert.rejects(tenantSocket(two, world.bravo.host, world.alpha.admin.token), /UNAUTHENTICATED/);
    await assert.rejects(tenantStream(two, world.bravo.host, world.alpha.admin.token), /401/);
    assert.equal(await snapshot('tenant_bravo'), before);
    // A's credentials do not sign in at B; B's audit log records the refused attempt, nothing else.
    const login = await tenantApi(one, world.bravo.host, 'POST', '/api/auth/login', {
      body: { email: world.alpha.admin.email, password: world.alpha.admin.password },
    });
    assert.equal(login.status, 401);
    const { rows } = await eastPool.query<{ action: string; actor_id: number | null }>(
      'SELECT action, actor_id FROM tenant_bravo.audit_log ORDER BY id DESC LIMIT 1',
    );
    assert.deepEqual(rows[0], { action: 'auth.login_failed', actor_id: null });
  });

  it("ids that exist only in tenant B are not found from tenant A, and same ids mean A's own rows", async () => {
    const a = world.alpha;
    const before = await snapshot('tenant_bravo');
    const probes: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string, unknown?]> = [
      ['GET', `/api/groups/${bravoOnly.groupId}`],
      ['GET', `/api/groups/${bravoOnly.groupId}/messages`],
      ['POST', `/api/groups/${bravoOnly.groupId}/messages`, { clientId: 'x', content: 'sneak' }],
      ['PATCH', `/api/messages/${bravoOnly.messageId}`, { content: 'edited' }],
      ['DELETE', `/api/messages/${bravoOnly.messageId}`],
      ['POST', `/api/messages/${bravoOnly.messageId}/reactions`, { emoji: '👍' }],
      ['POST', `/api/messages/${bravoOnly.messageId}/pin`],
      ['GET', `/api/uploads/${bravoOnly.key}`],
      ['GET', `/api/events/${bravoOnly.eventId}`],
      ['PATCH', `/api/events/${bravoOnly.eventId}`, { title: 'hijacked' }],
      ['DELETE', `/api/events/${bravoOnly.eventId}`],
      [
        'POST',
        `/api/events/${bravoOnly.eventId}/rsvp`,
        { occurrenceStart: bravoOnly.eventStart, status: 'going' },
      ],
    ];
    for (const [method, url, body] of probes) {
      const res = await tenantApi(one, a.host, method, url, { token: a.admin.token, body });
      assert.ok(
        [403, 404].includes(res.status),
        `${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`,
      );
    }
    assert.equal(await snapshot('tenant_bravo'), before);
    const history = await tenantApi<{ messages: Message[] }>(one, a.host, 'GET', '/api/groups/1/messages', {
      token: a.admin.token,
    });
    assert.ok(history.body.messages.some((m) => m.content === 'hello from alpha'));
    assert.ok(!history.body.messages.some((m) => m.content?.includes('bravo')));
    const search = await tenantApi<{ results: unknown[] }>(one, a.host, 'GET', '/api/search?q=bravo', {
      token: a.admin.token,
    });
    assert.equal(search.status, 200);
    assert.equal(JSON.stringify(search.body).includes('bravo eyes'), false);
    const users = await tenantApi<{ users: Array<{ email: string }> }>(one, a.host, 'GET', '/api/users', {
      token: a.admin.token,
    });
    assert.ok(users.body.users.every((u) => u.email.endsWith('alpha.example')));
    const audit = await tenantApi<{ entries: Array<{ details: Record<string, unknown> }> }>(
      one,
      a.host,
      'GET',
      '/api/audit?limit=200',
      { token: a.admin.token },
    );
    assert.equal(audit.status, 200);
    assert.ok(audit.body.entries.length > 0, "A's own actions are there");
    assert.equal(JSON.stringify(audit.body).includes('bravo'), false, "none of B's");
    // The schedule: alpha's listing, alpha's calendar feed, and alpha's feed token at bravo.
    const events = await tenantApi<{ occurrences: Array<{ title: string }> }>(
      one,
      a.host,
      'GET',
      `/api/events?from=${encodeURIComponent(new Date().toISOString())}`,
      { token: a.admin.token },
    );
    assert.equal(events.status, 200);
    assert.ok(events.body.occurrences.every((o) => !o.title.includes('bravo')));
    const feedToken = await tenantApi<{ token: string }>(one, a.host, 'POST', '/api/calendar/token', {
      token: a.admin.token,
    });
    const feed = await one.app.inject({
      method: 'GET',
      url: `/api/calendar.ics?token=${feedToken.body.token}`,
      headers: { host: a.host },
    });
    assert.equal(feed.statusCode, 200);
    assert.ok(feed.body.includes('BEGIN:VCALENDAR') && !feed.body.includes('bravo'));
    const crossed = await one.app.inject({
      method: 'GET',
      url: `/api/calendar.ics?token=${feedToken.body.token}`,
      headers: { host: world.bravo.host },
    });
    assert.equal(crossed.statusCode, 404);
    assert.equal(await snapshot('tenant_bravo'), before);
  });

  it('integrations never cross: bot tokens, webhook secrets, SMS signatures and every list stay in their tenant', async () => {
    const a = world.alpha;
    const b = world.bravo;
    const bot = await tenantApi<{ token: string; bot: { id: number } }>(one, a.host, 'POST', '/api/bots', {
      token: a.admin.token,
      body: { name: 'Alpha Bot', scopes: ['read', 'post'] },
    });
    assert.equal(bot.status, 201);
    assert.equal((await tenantApi(one, a.host, 'GET', '/api/groups', { token: bot.body.token })).status, 200);
    assert.equal((await tenantApi(one, b.host, 'GET', '/api/groups', { token: bot.body.token })).status, 401);
    assert.equal(
      (
        await tenantApi(two, b.host, 'POST', '/api/groups/1/messages', {
          token: bot.body.token,
          body: { clientId: 'x', content: 'x' },
        })
      ).status,
      401,
    );
    const hook = await tenantApi<{ webhook: { url: string } }>(
      one,
      a.host,
      'POST',
      '/api/integrations/incoming',
      {
        token: a.admin.token,
        body: { groupId: 1, name: 'Alpha alerts' },
      },
    );
    const path = new URL(hook.body.webhook.url).pathname;
    assert.equal((await tenantApi(two, b.host, 'POST', path, { body: { text: 'crossing?' } })).status, 404);
    assert.equal((await tenantApi(two, a.host, 'POST', path, { body: { text: 'at home' } })).status, 200);
    await tenantApi(one, a.host, 'POST', '/api/contacts', {
      token: a.admin.token,
      body: { name: 'Alpha Contact', phones: ['+15550001111'] },
    });
    await tenantApi(one, a.host, 'POST', '/api/integrations/outgoing', {
      token: a.admin.token,
      body: { url: 'https://alpha.example/hook', events: ['message:new'] },
    });
    for (const [url, key] of [
      ['/api/bots', 'bots'],
      ['/api/integrations/incoming', 'webhooks'],
      ['/api/integrations/outgoing', 'webhooks'],
      ['/api/contacts', 'contacts'],
    ] as const) {
      const list = await tenantApi<Record<string, unknown[]>>(one, b.host, 'GET', url, {
        token: b.admin.token,
      });
      assert.equal(list.status, 200, url);
      assert.deepEqual(list.body[key], [], `${url}: nothing of alpha's at bravo`);
      const mine = await tenantApi<Record<string, unknown[]>>(one, a.host, 'GET', url, {
        token: a.admin.token,
      });
      assert.ok((mine.body[key] ?? []).length > 0, `${url}: alpha sees its own`);
    }
    // A Twilio request signed with alpha's token is refused at bravo (which has its own token).
    const authToken = 'alpha-twilio-token-0123456789';
    const sid = `AC${'a'.repeat(32)}`;
    await tenantApi(one, a.host, 'PUT', '/api/integrations/sms', {
      token: a.admin.token,
      body: { accountSid: sid, authToken, fromNumber: '+15550000009' },
    });
    await tenantApi(one, b.host, 'PUT', '/api/integrations/sms', {
      token: b.admin.token,
      body: { accountSid: sid, authToken: 'bravo-twilio-token-0123456789', fromNumber: '+15550000009' },
    });
    const params = { MessageSid: 'SMcross', From: '+15550002222', Body: 'hi' };
    const signed = (host: string) =>
      one.app.inject({
        method: 'POST',
        url: '/api/sms/inbound',
        headers: {
          host,
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(
            authToken,
            `http://${host}/api/sms/inbound`,
            params,
          ),
        },
        payload: new URLSearchParams(params).toString(),
      });
    assert.equal((await signed(b.host)).statusCode, 403, 'alpha’s signature means nothing at bravo');
    assert.equal((await signed(a.host)).statusCode, 200);
    const bravoContacts = await tenantApi<{ contacts: unknown[] }>(one, b.host, 'GET', '/api/contacts', {
      token: b.admin.token,
    });
    assert.deepEqual(bravoContacts.body.contacts, [], 'nothing stored at bravo');
  });

  it('socket.io and /api/stream events and presence never cross, on either instance', async () => {
    const a = world.alpha;
    const b = world.bravo;
    const aSocket = await tenantSocket(two, a.host, a.member.token);
    const aEvents = recordEvents(aSocket);
    const aStream = await tenantStream(one, a.host, a.admin.token);
    const bSocket = await tenantSocket(two, b.host, b.member.token);
    const bEvents = recordEvents(bSocket);
    const bAdminSocket = await tenantSocket(one, b.host, b.admin.token);
    const bAdminEvents = recordEvents(bAdminSocket);
    // Everything alpha's connections were sent before this has arrived once they hear it.
    const alphaBarrier = () =>
      barrier(
        (clientId) =>
          tenantApi(one, a.host, 'POST', '/api/groups/1/messages', {
            token: a.admin.token,
            body: { clientId, content: 'barrier' },
          }),
        [aEvents, aStream.frames],
      );
    try {
      // Same group id, same user ids: bravo's traffic must reach bravo only.
      await tenantApi(one, b.host, 'POST', `/api/groups/${b.privateId}/messages`, {
        token: b.admin.token,
        body: { clientId: 'b-live', content: 'bravo live' },
      });
      await waitFor('bravo receives its own message', () =>
        bEvents.some((e) => e.event === 'message:new' && JSON.stringify(e.data).includes('bravo live')),
      );
      const changed = await tenantApi<{ event: { id: number } }>(one, b.host, 'POST', '/api/events', {
        token: b.admin.token,
        body: eventBody('bravo live event'),
      });
      await waitFor('bravo hears its schedule change', () =>
        bEvents.some(
          (e) =>
            e.event === 'schedule:changed' && JSON.stringify(e.data).includes(String(changed.body.event.id)),
        ),
      );
      bSocket.emit('typing', { groupId: b.privateId });
      await waitFor('bravo’s admin sees bravo typing (positive control)', () =>
        bAdminEvents.some((e) => e.event === 'typing'),
      );
      await alphaBarrier();
      const leaked = [
        ...aEvents.map((e) => JSON.stringify(e)),
        ...aStream.frames.map((f) => JSON.stringify(f)),
      ].filter((s) => s.includes('bravo') || s.includes('"typing"') || s.includes('schedule:changed'));
      assert.deepEqual(leaked, []);
      const online = await new Promise<{ userIds: number[] }>((resolve) =>
        aSocket.emit('users:online', {}, resolve),
      );
      // In alpha only alpha's member (and the stream's admin) are online; bravo's member is user 2 too.
      assert.deepEqual(online.userIds.sort(), [a.admin.user.id, a.member.id].sort());
      const bSocketId = bSocket.id;
      bSocket.close();
      await waitFor(
        'bravo’s socket gone on its instance',
        () => !two.io.of('/').sockets.has(bSocketId ?? ''),
      );
      await alphaBarrier();
      const stillOnline = await new Promise<{ userIds: number[] }>((resolve) =>
        aSocket.emit('users:online', {}, resolve),
      );
      assert.ok(
        stillOnline.userIds.includes(a.member.id),
        "bravo's user 2 going offline is not alpha's user 2",
      );
    } finally {
      aSocket.close();
      aStream.close();
      bSocket.close();
      bAdminSocket.close();
    }
  });

  it('every Redis key and stored object carries its tenant', async () => {
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('*');
      assert.ok(keys.some((k) => k.startsWith('tenant_alpha:')));
      // Keys one script touches together (presence, viewing) carry the tenant as a Redis
      // Cluster hash tag, `{tenant_x}:`.
      const stray = keys.filter((k) => !/^(tenant_[a-z0-9_]+|\{tenant_[a-z0-9_]+\}|public|global):/.test(k));
      assert.deepEqual(stray, []);
    } finally {
      client.disconnect();
    }
    const storage = one.services.storage;
    assert.deepEqual(await storage.list('tenant_alpha/'), []);
    assert.equal((await storage.list('tenant_bravo/')).length, 1);
    assert.ok(bravoOnly.key.startsWith('tenant_bravo/image/'));
  });

  it('a custom-domain change is honoured by every instance within a second', async () => {
    const domain = 'talk.alpha.example';
    for (const server of [one, two]) {
      assert.equal(
        (await tenantApi(server, domain, 'GET', '/api/auth/me')).status,
        404,
        'cached as unknown first',
      );
    }
    const set = await hostApi(one, 'PATCH', '/api/host/tenants/alpha', { customDomain: domain });
    assert.equal(set.status, 200);
    const started = Date.now();
    for (const server of [one, two]) {
      await waitFor(
        `instance ${server.port} serves ${domain}`,
        async () =>
          (await tenantApi(server, domain, 'GET', '/api/auth/me', { token: world.alpha.admin.token }))
            .status === 200,
        1000,
      );
    }
    assert.ok(Date.now() - started < 1000);
    await hostApi(one, 'PATCH', '/api/host/tenants/alpha', { customDomain: 'chat.alpha.example' });
    for (const server of [one, two]) {
      await waitFor(
        `instance ${server.port} forgets ${domain}`,
        async () => (await tenantApi(server, domain, 'GET', '/api/auth/me')).status === 404,
        1000,
      );
    }
  });
});
