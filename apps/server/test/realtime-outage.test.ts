/**
 * Realtime that loses nothing across a Redis outage (docs/API.md "Gaps and resynchronisation"),
 * on the real cluster: a receiver connected to instance 2 and a sender on instance 1. While
 * Redis is down, sends, edits, reactions and deletes are stored but their broadcasts cannot
 * cross; when Redis returns, instance 2 tells its clients `sync:required` and `changes?since=`
 * brings all of it — without the receiver reconnecting. A broadcast lost any other way is found
 * by the gap in the change sequence. The web client shows both, in order, without duplicates.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PG_TYPES } from '@rosterchirp/db';
import { type Cluster, startCluster } from '@rosterchirp/infra';
import type { ChangesReply, Group, Message } from '@rosterchirp/protocol';
import pg from 'pg';
import { launchChromium, SHOTS, signIn as signInPage } from './browser-kit.ts';
import { connected, http, socketTo, streamTo } from './cluster-kit.ts';
import { waitFor } from './harness.ts';

describe('realtime across a Redis outage', { timeout: 240_000 }, () => {
  let cluster: Cluster;
  const people: Record<
    'receiver' | 'sender',
    { id: number; token: string; email: string; password: string }
  > = {} as never;
  let groupId: number;
  const at = (i: number) => cluster.instances[i]!.url;

  before(async () => {
    cluster = await startCluster({
      instances: 2,
      env: { RATE_LIMIT_SEND_PER_10S: '100000', RATE_LIMIT_LOGIN_PER_MINUTE: '100000' },
    });
    const admin = await http<{ token: string }>(
      cluster.url,
      'POST',
      '/api/auth/login',
      undefined,
      cluster.admin,
    );
    for (const name of ['receiver', 'sender'] as const) {
      const email = `${name}@outage.test`;
      const password = `${name}-password-1`;
      const created = await http<{ user: { id: number } }>(
        cluster.url,
        'POST',
        '/api/users',
        admin.body.token,
        {
          email,
          name: name === 'receiver' ? 'Rita Receiver' : 'Sam Sender',
          password,
        },
      );
      assert.equal(created.status, 201);
      const signedIn = await http<{ token: string }>(at(0), 'POST', '/api/auth/login', undefined, {
        email,
        password,
        device: 'mobile', // the browser test signs in on the desktop class later
      });
      people[name] = { id: created.body.user.id, token: signedIn.body.token, email, password };
    }
    const group = await http<{ group: Group }>(at(0), 'POST', '/api/groups', people.sender.token, {
      type: 'private',
      name: 'Outage room',
      memberIds: [people.receiver.id],
    });
    groupId = group.body.group.id;
  });
  after(async () => {
    await cluster?.stop();
  });

  const send = (text: string, base = at(0)) =>
    http<{ message: Message }>(base, 'POST', `/api/groups/${groupId}/messages`, people.sender.token, {
      clientId: `${text.replace(/\W+/g, '-')}-${Date.now()}`,
      content: text,
    });

  it('a receiver on the other instance is told to resynchronise and gets every change, without reconnecting', async () => {
    const socket = socketTo(at(1), people.receiver.token);
    const heard: Array<{ event: string; data: unknown }> = [];
    socket.onAny((event: string, data: unknown) => heard.push({ event, data }));
    let disconnects = 0;
    socket.on('disconnect', () => disconnects++);
    await connected(socket);
    const { ws: stream, frames } = streamTo(at(1), people.receiver.token);
    await waitFor('the stream hello', () => frames.some((f) => f.type === 'hello'));
    try {
      const sent = await send('before the outage');
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const before = sent.body.message;
      await waitFor('the message before the outage', () =>
        heard.some(
          (h) => h.event === 'message:new' && (h.data as { message: Message }).message.id === before.id,
        ),
      );

      const back = await cluster.redis.outage();
      const during = await send('sent while Redis is down');
      assert.equal(during.status, 201, 'sends are stored and acknowledged during the outage');
      const doomed = (await send('deleted while Redis is down')).body.message;
      const edited = await http(at(0), 'PATCH', `/api/messages/${before.id}`, people.sender.token, {
        content: 'edited while Redis is down',
      });
      assert.equal(edited.status, 200);
      const reacted = await http(at(0), 'POST', `/api/messages/${before.id}/reactions`, people.sender.token, {
        emoji: '👍',
      });
      assert.equal(reacted.status, 200);
      assert.equal(
        (await http(at(0), 'DELETE', `/api/messages/${doomed.id}`, people.sender.token)).status,
        204,
      );
      assert.ok(
        !heard.some(
          (h) =>
            h.event === 'message:new' &&
            (h.data as { message: Message }).message.id === during.body.message.id,
        ),
        'nothing crossed while Redis was down',
      );

      const restored = Date.now();
      await back();
      await waitFor(
        'sync:required on the socket',
        () => heard.some((h) => h.event === 'sync:required'),
        5000,
      );
      await waitFor(
        'sync:required on the stream',
        () => frames.some((f) => f.type === 'sync:required'),
        5000,
      );
      process.stdout.write(`# sync:required ${Date.now() - restored} ms after Redis returned\n`);

      // What a client does on sync:required: everything after the last sequence it saw.
      const changes = await http<ChangesReply>(
        at(1),
        'GET',
        `/api/groups/${groupId}/changes?since=${before.seq}`,
        people.receiver.token,
      );
      const byId = new Map(changes.body.messages.map((m) => [m.id, m]));
      assert.equal(byId.get(during.body.message.id)?.content, 'sent while Redis is down');
      assert.equal(byId.get(before.id)?.content, 'edited while Redis is down');
      assert.deepEqual(
        byId.get(before.id)?.reactions.map((r) => [r.emoji, r.count]),
        [['👍', 1]],
      );
      assert.ok(byId.get(doomed.id)?.deletedAt, 'the delete is there too');
      assert.equal(disconnects, 0, 'the receiver never reconnected');
      assert.equal(socket.connected, true);

      // And live delivery works again.
      const after = (await send('after the outage')).body.message;
      await waitFor('live again', () =>
        heard.some(
          (h) => h.event === 'message:new' && (h.data as { message: Message }).message.id === after.id,
        ),
      );
    } finally {
      socket.close();
      stream.close();
    }
  });

  it('the web client shows what was sent during the outage and a broadcast lost another way, in order, once', async () => {
    const browser = await launchChromium();
    const db = new pg.Client({ connectionString: cluster.postgres.url, types: PG_TYPES });
    await db.connect();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      // Straight to instance 2, so the sender's broadcasts must cross Redis to reach it.
      await signInPage(page, at(1), people.receiver.email, people.receiver.password);
      await page.getByRole('button', { name: /Outage room/ }).click();
      await page.locator('.conn-banner').waitFor({ state: 'detached', timeout: 15_000 });
      const log = page.getByRole('log');
      await send('hello before the browser outage');
      await log.getByText('hello before the browser outage').waitFor();

      const back = await cluster.redis.outage();
      for (const n of [1, 2, 3]) assert.equal((await send(`outage message ${n}`)).status, 201);
      await back();
      for (const n of [1, 2, 3]) await log.getByText(`outage message ${n}`).waitFor({ timeout: 5000 });

      // A broadcast lost without any outage: a message written around the fan-out (no event),
      // then an ordinary one. The jump in the sequence makes the client fetch the missing one.
      await db.query(
        `INSERT INTO public.messages (group_id, author_id, client_id, content) VALUES ($1, $2, 'around-the-adapter', 'never broadcast')`,
        [groupId, people.sender.id],
      );
      await send('broadcast normally');
      await log.getByText('never broadcast').waitFor({ timeout: 5000 });
      await log.getByText('broadcast normally').waitFor();

      const texts = await log.locator('.msg__text').allTextContents();
      const wanted = [
        'hello before the browser outage',
        'outage message 1',
        'outage message 2',
        'outage message 3',
        'never broadcast',
        'broadcast normally',
      ];
      const seen = texts.filter((t) => wanted.includes(t.trim())).map((t) => t.trim());
      assert.deepEqual(seen, wanted, 'in order, each once');
      await page.screenshot({ path: join(SHOTS, 'outage-recovered-desktop.png') });
    } finally {
      await db.end();
      await browser.close();
    }
  });
});
