/**
 * Integrations against real Postgres and real HTTP: bot tokens and their scopes (REST and the
 * stream), incoming webhooks (Slack bodies, revocation, bad input), outgoing webhooks (signed
 * POSTs to a local receiver, retries, the delivery log, the address policy), LiveKit call tokens
 * checked with the SDK's verifier, and the SMS bridge against a local stand-in of Twilio's API.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { postSigned, verifyWebhookSignature } from '@rosterchirp/domain';
import { TokenVerifier } from 'livekit-server-sdk';
import twilio from 'twilio';
import {
  ADMIN,
  api,
  connectStream,
  createMember,
  createPrivateGroup,
  login,
  publicChannel,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local HTTP receiver: answers with the next queued status (default 200). */
async function startReceiver() {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ sid: `SM${received.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    statuses,
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((r) => server.close(r)),
  };
}

const LIVEKIT = {
  meetUrl: 'https://meet.example.test/custom',
  url: 'wss://livekit.example.test',
  apiKey: 'APItestkey',
  apiSecret: 'a-livekit-secret-that-is-long-enough-123',
};

describe('integrations', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: string;
  let channel: number;

  before(async () => {
    pg = await startTestPostgres();
    receiver = await startReceiver();
    server = await startTestServer(pg, {
      integrations: { livekit: LIVEKIT, twilioApiUrl: receiver.url },
      jobLeaseSeconds: 5,
    });
    admin = (await login(server, ADMIN.email, ADMIN.password)).token;
    channel = await publicChannel(server, admin);
  });
  after(async () => {
    await server?.close();
    await receiver?.stop();
    await pg?.stop();
  });

  it('a bot with a read+post token reads and posts over REST and the stream, is shown as a bot, is no seat, and is revoked live', async () => {
    const before = await api<{ users: unknown[] }>(server, 'GET', '/api/users', { token: admin });
    const made = await api<{ bot: { id: number; handle: string; scopes: string[] }; token: string }>(
      server,
      'POST',
      '/api/bots',
      {
        token: admin,
        body: { name: 'Deploy Bot', scopes: ['read', 'post'] },
      },
    );
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(made.body.bot.scopes, ['post', 'read']);
    const token = made.body.token;
    const sent = await sendMessage(server, token, channel, 'deployed v1.2');
    assert.equal(sent.status, 201);
    assert.equal(sent.body.message.author?.bot, true, 'shown as a bot');
    const history = await api<{ messages: Array<{ content: string }> }>(
      server,
      'GET',
      `/api/groups/${channel}/messages`,
      { token },
    );
    assert.ok(history.body.messages.some((m) => m.content === 'deployed v1.2'));
    const after = await api<{ users: unknown[] }>(server, 'GET', '/api/users', { token: admin });
    assert.equal(after.body.users.length, before.body.users.length, 'not in the directory');
    // Bots may not administer or change anything else.
    assert.equal(
      (await api(server, 'POST', '/api/users', { token, body: { email: 'x@example.test', name: 'X' } }))
        .status,
      403,
    );
    assert.equal(
      (await api(server, 'POST', '/api/groups', { token, body: { type: 'private', name: 'Nope' } })).status,
      403,
    );
    // The stream: frames arrive, and sends are acked.
    const stream = await connectStream(server, token);
    stream.send({
      type: 'message:send',
      id: 'r1',
      data: { groupId: channel, clientId: 'b-1', content: 'over the stream' },
    });
    const ack = await waitFor('ack', () => stream.frames.find((f) => f.type === 'ack'));
    assert.equal((ack.data as { ok: boolean }).ok, true);
    // Revoked: the stream closes and the token stops working.
    const closed = new Promise((r) => stream.ws.once('close', r));
    assert.equal(
      (await api(server, 'DELETE', `/api/bots/${made.body.bot.id}`, { token: admin })).status,
      204,
    );
    await closed;
    assert.equal((await sendMessage(server, token, channel, 'after revoke')).status, 401);
    assert.equal(
      (await api(server, 'DELETE', `/api/bots/${made.body.bot.id}`, { token: admin })).status,
      404,
    );
  });

  it('scopes are enforced: a read-only bot cannot post, a post-only bot cannot read; bad bodies are 400; members are 403', async () => {
    const reader = await api<{ token: string }>(server, 'POST', '/api/bots', {
      token: admin,
      body: { name: 'Reader', scopes: ['read'] },
    });
    assert.equal((await sendMessage(server, reader.body.token, channel, 'x')).status, 403);
    assert.equal(
      (await api(server, 'GET', `/api/groups/${channel}/messages`, { token: reader.body.token })).status,
      200,
    );
    const poster = await api<{ token: string }>(server, 'POST', '/api/bots', {
      token: admin,
      body: { name: 'Poster', scopes: ['post'] },
    });
    assert.equal((await sendMessage(server, poster.body.token, channel, 'posted')).status, 201);
    const read = await api<{ error: { details: { scope: string } } }>(
      server,
      'GET',
      `/api/groups/${channel}/messages`,
      { token: poster.body.token },
    );
    assert.equal(read.status, 403);
    assert.equal(read.body.error.details.scope, 'read');
    await assert.rejects(connectStream(server, poster.body.token), /403/);
    for (const body of [
      { name: '', scopes: ['read'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['admin'] },
      { name: 'x' },
    ]) {
      const res = await api<{ error: { code: string } }>(server, 'POST', '/api/bots', { token: admin, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    const member = await createMember(server, admin, 'Nora Member');
    assert.equal(
      (await api(server, 'POST', '/api/bots', { token: member.token, body: { name: 'm', scopes: ['read'] } }))
        .status,
      403,
    );
  });

  it('an incoming webhook posts Slack bodies as a named bot; bad bodies 400, too big 413, revoked 404', async () => {
    const created = await api<{ webhook: { id: number; url: string } }>(
      server,
      'POST',
      '/api/integrations/incoming',
      {
        token: admin,
        body: { groupId: channel, name: 'Alerts' },
      },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const path = new URL(created.body.webhook.url).pathname;
    assert.match(path, /^\/hooks\/incoming\/[A-Za-z0-9_-]{32}$/);
    const posted = await api<{ ok: boolean; messageId: number }>(server, 'POST', path, {
      body: {
        text: 'Disk <https://grafana.example/d/1|almost full>',
        username: 'Grafana',
        attachments: [{ title: 'db-1', fields: [{ title: 'used', value: '93%' }] }],
      },
    });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    const page = await api<{
      messages: Array<{ id: number; content: string; author: { name: string; bot?: boolean } }>;
    }>(server, 'GET', `/api/groups/${channel}/messages`, { token: admin });
    const m = page.body.messages.find((x) => x.id === posted.body.messageId)!;
    assert.equal(m.content, 'Disk almost full (https://grafana.example/d/1)\ndb-1\nused: 93%');
    assert.equal(m.author.name, 'Grafana');
    assert.equal(m.author.bot, true);
    // Member lists: a public channel lists people (and only the bots that joined it), a private
    // group its members — a bot among them flagged as one.
    type Members = { members: Array<{ id: number; name: string; bot?: boolean }> };
    const channelInfo = await api<Members>(server, 'GET', `/api/groups/${channel}`, { token: admin });
    assert.ok(channelInfo.body.members.length > 0);
    assert.ok(
      channelInfo.body.members.every((x) => !x.bot && x.name !== 'Alerts'),
      JSON.stringify(channelInfo.body.members),
    );
    const ops = await createPrivateGroup(server, admin, 'Ops alerts', []);
    const opsHook = await api<{ webhook: { url: string } }>(server, 'POST', '/api/integrations/incoming', {
      token: admin,
      body: { groupId: ops, name: 'Pager' },
    });
    const opsPath = new URL(opsHook.body.webhook.url).pathname;
    assert.equal((await api(server, 'POST', opsPath, { body: { text: 'paged' } })).status, 200);
    const opsInfo = await api<Members>(server, 'GET', `/api/groups/${ops}`, { token: admin });
    const pager = opsInfo.body.members.find((x) => x.bot);
    assert.ok(pager, JSON.stringify(opsInfo.body.members));
    assert.equal(
      opsInfo.body.members.filter((x) => !x.bot).length,
      1,
      'the admin, a person, is not flagged as a bot',
    );
    const countBefore = page.body.messages.length;
    assert.equal((await api(server, 'POST', path, { body: { text: '' } })).status, 400);
    assert.equal((await api(server, 'POST', path, { body: { text: 5 } })).status, 400);
    assert.equal((await api(server, 'POST', path, { rawBody: '{not json' })).status, 400);
    assert.equal((await api(server, 'POST', path, { body: { text: 'x'.repeat(70_000) } })).status, 413);
    assert.equal(
      (await api(server, 'POST', '/hooks/incoming/not-a-secret', { body: { text: 'hi' } })).status,
      404,
    );
    const after = await api<{ messages: unknown[] }>(server, 'GET', `/api/groups/${channel}/messages`, {
      token: admin,
    });
    assert.equal(after.body.messages.length, countBefore, 'nothing stored by the bad requests');
    assert.equal(
      (await api(server, 'DELETE', `/api/integrations/incoming/${created.body.webhook.id}`, { token: admin }))
        .status,
      204,
    );
    assert.equal((await api(server, 'POST', path, { body: { text: 'after revoke' } })).status, 404);
    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /rosterchirp_incoming_webhook_requests_total\{outcome="posted"\} 2/);
    assert.match(metrics, /rosterchirp_incoming_webhook_requests_total\{outcome="invalid"\} 3/);
    assert.match(metrics, /rosterchirp_incoming_webhook_requests_total\{outcome="too_large"\} 1/);
    assert.match(metrics, /rosterchirp_incoming_webhook_requests_total\{outcome="unknown"\} 2/);
  });

  it('outgoing webhooks: signed POSTs for new messages and bot mentions, retried after a failure, logged; private targets refused by policy', async () => {
    const group = await createPrivateGroup(server, admin, 'Ops', []);
    await api(server, 'POST', '/api/bots', { token: admin, body: { name: 'Helper', scopes: ['read'] } });
    const made = await api<{ webhook: { id: number; secret: string } }>(
      server,
      'POST',
      '/api/integrations/outgoing',
      {
        token: admin,
        body: { url: `${receiver.url}/out`, events: ['message:new', 'mention'], groupIds: [group] },
      },
    );
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const { secret, id } = made.body.webhook;
    receiver.statuses.push(500); // the first attempt fails: retried with backoff
    const start = receiver.received.length;
    await sendMessage(server, admin, group, 'ping @helper please');
    await sendMessage(server, admin, channel, 'not in the chosen conversation');
    const hits = await waitFor(
      'two deliveries (new message, mention), one retried',
      () => {
        const got = receiver.received.slice(start).filter((r) => r.path === '/out');
        const ok = new Set(got.slice(1).map((r) => (JSON.parse(r.body) as { event: string }).event));
        return ok.has('message:new') && ok.has('mention') ? got : undefined;
      },
      30_000,
    );
    for (const hit of hits) {
      const delivery = {
        timestamp: hit.headers['x-rosterchirp-timestamp'] as string,
        signature: hit.headers['x-rosterchirp-signature'] as string,
        body: hit.body,
      };
      assert.ok(verifyWebhookSignature(secret, delivery), 'the receiver helper accepts it');
      assert.ok(
        !verifyWebhookSignature(secret, { ...delivery, body: `${hit.body} ` }),
        'a changed body fails',
      );
      assert.ok(
        !verifyWebhookSignature(secret, delivery, { now: Date.now() + 600_000 }),
        'a replay outside the window fails',
      );
      const ts = hit.headers['x-rosterchirp-timestamp'] as string;
      const expected = `v1=${createHmac('sha256', secret).update(`${ts}.${hit.body}`).digest('hex')}`;
      assert.equal(hit.headers['x-rosterchirp-signature'], expected);
      assert.ok(Math.abs(Date.now() / 1000 - Number(ts)) < 120);
      const payload = JSON.parse(hit.body) as {
        message: { content: string; groupId: number };
        bots?: string[];
      };
      assert.equal(payload.message.groupId, group);
      if (payload.bots) assert.deepEqual(payload.bots, ['helper']);
    }
    const log = await waitFor(
      'the delivery log',
      async () => {
        const res = await api<{ deliveries: Array<{ status: string; attempts: number }> }>(
          server,
          'GET',
          `/api/integrations/outgoing/${id}/deliveries`,
          { token: admin },
        );
        return res.body.deliveries.length === 2 && res.body.deliveries.every((d) => d.status === 'delivered')
          ? res.body.deliveries
          : undefined;
      },
      30_000,
    );
    assert.ok(
      log.some((d) => d.attempts === 2),
      'the failed attempt is in the log',
    );
    for (const url of ['ftp://example.com/x', 'not a url', 'http://user:pw@example.com/']) {
      const res = await api(server, 'POST', '/api/integrations/outgoing', {
        token: admin,
        body: { url, events: ['message:new'] },
      });
      assert.equal(res.status, 400, url);
    }
    assert.equal(
      (
        await api(server, 'POST', '/api/integrations/outgoing', {
          token: admin,
          body: { url: 'https://example.com', events: ['everything'] },
        })
      ).status,
      400,
    );
  });

  it('the address policy refuses loopback targets where private targets are not allowed', async () => {
    const strict = await startTestServer(pg, { integrations: { outgoingAllowPrivate: false } });
    try {
      const token = (await login(strict, ADMIN.email, ADMIN.password, 'mobile')).token;
      for (const url of [
        'http://127.0.0.1:9/x',
        'http://169.254.169.254/latest',
        'http://localhost/x',
        'http://[::1]/x',
      ]) {
        const res = await api<{ error: { details: { field: string } } }>(
          strict,
          'POST',
          '/api/integrations/outgoing',
          {
            token,
            body: { url, events: ['message:new'] },
          },
        );
        assert.equal(res.status, 400, url);
        assert.equal(res.body.error.details.field, 'url');
      }
    } finally {
      await strict.close();
    }
  });

  it('at delivery, a name resolving to a private address is refused (checked after DNS) and redirects are not followed', async () => {
    const refused = await postSigned(`${receiver.url.replace('127.0.0.1', 'localhost')}/x`, '{}', 's', {
      allowPrivate: false,
      timeoutMs: 2000,
    });
    assert.equal(refused.refused, true, JSON.stringify(refused));
    assert.match(refused.error ?? '', /private address/);
    receiver.statuses.push(302);
    const redirected = await postSigned(`${receiver.url}/moved`, '{}', 's', {
      allowPrivate: true,
      timeoutMs: 2000,
    });
    assert.deepEqual([redirected.status, redirected.error, redirected.refused], [302, 'HTTP 302', false]);
  });

  it('another instance learns of a new webhook from the database’s change notice, not a timer', async () => {
    // No outgoing webhook left: every instance answers "this tenant relays nothing" from memory.
    const live = await api<{ webhooks: Array<{ id: number }> }>(server, 'GET', '/api/integrations/outgoing', {
      token: admin,
    });
    for (const w of live.body.webhooks) {
      await api(server, 'DELETE', `/api/integrations/outgoing/${w.id}`, { token: admin });
    }
    const other = await startTestServer(pg);
    try {
      const token = (await login(other, ADMIN.email, ADMIN.password, 'mobile')).token;
      assert.equal((await sendMessage(other, token, channel, 'nobody listens')).status, 201);
      // Created on the first instance; the other holds a cached "no" that no timer expires while
      // notices are live — only the notice can make it deliver.
      const made = await api(server, 'POST', '/api/integrations/outgoing', {
        token: admin,
        body: { url: `${receiver.url}/late`, events: ['message:new'] },
      });
      assert.equal(made.status, 201);
      const start = receiver.received.length;
      await waitFor(
        'a send on the other instance reaches the new webhook',
        async () => {
          await sendMessage(other, token, channel, 'now someone listens');
          return receiver.received.slice(start).some((r) => r.path === '/late');
        },
        15_000,
      );
    } finally {
      await other.close();
    }
  });

  it('calls: a member gets a LiveKit token for this conversation’s room only; outsiders 404; announced once', async () => {
    const member = await createMember(server, admin, 'Cal Caller');
    const outsider = await createMember(server, admin, 'Otto Outsider');
    const group = await createPrivateGroup(server, admin, 'Call room', [member.user.id]);
    const res = await api<{ url: string; room: string; token: string; joinUrl: string }>(
      server,
      'POST',
      `/api/groups/${group}/call`,
      { token: member.token },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.url, LIVEKIT.url);
    assert.ok(res.body.joinUrl.startsWith(`${LIVEKIT.meetUrl}?liveKitUrl=`));
    const claims = await new TokenVerifier(LIVEKIT.apiKey, LIVEKIT.apiSecret).verify(res.body.token);
    assert.equal(claims.video?.room, res.body.room);
    assert.equal(claims.video?.roomJoin, true);
    assert.match(res.body.room, new RegExp(`^public\\.group-${group}$`));
    await assert.rejects(
      new TokenVerifier(LIVEKIT.apiKey, 'another-secret-of-enough-length-0000').verify(res.body.token),
    );
    assert.equal(
      (await api(server, 'POST', `/api/groups/${group}/call`, { token: outsider.token })).status,
      404,
    );
    await api(server, 'POST', `/api/groups/${group}/call`, { token: admin });
    const page = await api<{ messages: Array<{ kind: string; content: string }> }>(
      server,
      'GET',
      `/api/groups/${group}/messages`,
      { token: member.token },
    );
    assert.equal(
      page.body.messages.filter((m) => m.kind === 'system' && m.content.includes('started a call')).length,
      1,
    );
    const off = await startTestServer(pg);
    try {
      const t = (await login(off, ADMIN.email, ADMIN.password, 'mobile')).token;
      const refused = await api<{ error: { code: string } }>(off, 'POST', `/api/groups/${group}/call`, {
        token: t,
      });
      assert.equal(refused.body.error.code, 'FEATURE_DISABLED');
      const overview = await api<{ calls: boolean }>(off, 'GET', '/api/integrations', { token: t });
      assert.equal(overview.body.calls, false, 'the client hides the feature');
    } finally {
      await off.close();
    }
  });

  it('SMS: signed inbound texts land in the contact’s conversation once; wrong signatures 403; STOP/START; replies go out through the REST API', async () => {
    const sid = `AC${'0123456789abcdef'.repeat(2)}`;
    const authToken = 'twilio-auth-token-0123456789';
    const unset = await api<{ sms: { configured: boolean } }>(server, 'GET', '/api/integrations', {
      token: admin,
    });
    assert.equal(unset.body.sms.configured, false, 'not set up yet');
    assert.equal(
      (
        await api(server, 'PUT', '/api/integrations/sms', {
          token: admin,
          body: { accountSid: sid, authToken, fromNumber: '+15550000001' },
        })
      ).status,
      204,
    );
    assert.equal(
      (
        await api(server, 'PUT', '/api/integrations/sms', {
          token: admin,
          body: { accountSid: 'x', authToken, fromNumber: '555' },
        })
      ).status,
      400,
    );
    const contact = await api<{ contact: { id: number } }>(server, 'POST', '/api/contacts', {
      token: admin,
      body: { name: 'Carla Customer', phones: ['+15551230001'], tags: ['VIP'] },
    });
    assert.equal(contact.status, 201);
    assert.equal(
      (
        await api(server, 'POST', '/api/contacts', {
          token: admin,
          body: { name: 'Dup', phones: ['+15551230001'] },
        })
      ).status,
      409,
    );
    assert.equal(
      (await api(server, 'POST', '/api/contacts', { token: admin, body: { name: 'Bad', phones: ['12345'] } }))
        .status,
      400,
    );

    const url = `http://localhost:80/api/sms/inbound`;
    const inbound = (params: Record<string, string>, signature?: string) =>
      server.app.inject({
        method: 'POST',
        url: '/api/sms/inbound',
        headers: {
          host: 'localhost:80',
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature ?? twilio.getExpectedTwilioSignature(authToken, url, params),
        },
        payload: new URLSearchParams(params).toString(),
      });
    const text = {
      MessageSid: 'SM0001',
      From: '+15551230001',
      To: '+15550000001',
      Body: 'Is my order ready?',
    };
    const forged = await inbound(text, 'bm90IGEgc2lnbmF0dXJl');
    assert.equal(forged.statusCode, 403);
    const ok = await inbound(text);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.match(ok.body, /<Response>/);
    assert.equal((await inbound(text)).statusCode, 200, 'a redelivery is accepted…');
    const contacts = await api<{
      contacts: Array<{ id: number; groupId: number | null; smsOptedOut: boolean }>;
    }>(server, 'GET', '/api/contacts', { token: admin });
    const carla = contacts.body.contacts.find((c) => c.id === contact.body.contact.id)!;
    assert.ok(carla.groupId, 'a conversation was made for the contact');
    const page = await api<{ messages: Array<{ content: string; author: { name: string } }> }>(
      server,
      'GET',
      `/api/groups/${carla.groupId}/messages`,
      { token: admin },
    );
    assert.equal(
      page.body.messages.filter((m) => m.content === 'Is my order ready?').length,
      1,
      '…and ignored',
    );
    assert.equal(
      page.body.messages.find((m) => m.content === 'Is my order ready?')?.author.name,
      'Carla Customer',
    );

    // A reply from the conversation goes out through the REST API stand-in.
    const before = receiver.received.length;
    await sendMessage(server, admin, carla.groupId!, 'Yes, ready at 5pm');
    const sent = await waitFor(
      'the REST call',
      () => receiver.received.slice(before).find((r) => r.path.includes('/Messages.json')),
      15_000,
    );
    assert.equal(sent.path, `/2010-04-01/Accounts/${sid}/Messages.json`);
    assert.equal(
      sent.headers.authorization,
      `Basic ${Buffer.from(`${sid}:${authToken}`).toString('base64')}`,
    );
    const form = new URLSearchParams(sent.body);
    assert.deepEqual(
      [form.get('To'), form.get('From'), form.get('Body')],
      ['+15551230001', '+15550000001', 'Yes, ready at 5pm'],
    );

    // STOP: no more texts until START.
    assert.equal((await inbound({ ...text, MessageSid: 'SM0002', Body: 'STOP' })).statusCode, 200);
    const stopped = await api<{ contacts: Array<{ id: number; smsOptedOut: boolean }> }>(
      server,
      'GET',
      '/api/contacts',
      { token: admin },
    );
    assert.equal(stopped.body.contacts.find((c) => c.id === carla.id)?.smsOptedOut, true);
    const mark = receiver.received.length;
    await sendMessage(server, admin, carla.groupId!, 'Are you there?');
    // The relay job has run once the conversation says why the text did not go.
    await waitFor(
      'the conversation says why',
      async () =>
        (
          await api<{ messages: Array<{ kind: string; content: string }> }>(
            server,
            'GET',
            `/api/groups/${carla.groupId}/messages`,
            { token: admin },
          )
        ).body.messages.some((m) => m.kind === 'system' && m.content.startsWith('📵 Not sent by SMS')),
      15_000,
    );
    assert.equal(
      receiver.received.slice(mark).filter((r) => r.path.includes('/Messages.json')).length,
      0,
      'not sent to an opted-out contact',
    );
    assert.equal((await inbound({ ...text, MessageSid: 'SM0003', Body: 'start' })).statusCode, 200);
    const back = await api<{ contacts: Array<{ id: number; smsOptedOut: boolean }> }>(
      server,
      'GET',
      '/api/contacts',
      { token: admin },
    );
    assert.equal(back.body.contacts.find((c) => c.id === carla.id)?.smsOptedOut, false);
    // An unknown number becomes a contact of its own.
    assert.equal(
      (await inbound({ ...text, MessageSid: 'SM0004', From: '+15559990000', Body: 'hello' })).statusCode,
      200,
    );
    const all = await api<{ contacts: Array<{ phones: string[] }> }>(server, 'GET', '/api/contacts', {
      token: admin,
    });
    assert.ok(all.body.contacts.some((c) => c.phones.includes('+15559990000')));
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /rosterchirp_sms_total\{outcome="bad_signature"\} 1/);
    assert.match(metrics.body, /rosterchirp_sms_total\{outcome="duplicate"\} 1/);
  });
});
