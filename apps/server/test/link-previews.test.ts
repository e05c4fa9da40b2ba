import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Group, Message } from '@rosterchirp/protocol';
import {
  ADMIN,
  api,
  connectSocket,
  login,
  recordEvents,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

describe('link previews', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let pgStrict: Awaited<ReturnType<typeof startTestPostgres>>;
  let site: Server;
  let siteUrl: string;
  let permissive: TestServer;
  let strict: TestServer;

  before(async () => {
    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<title>Fixture list</title><meta property="og:description" content="Spring season">');
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/fixtures`;
    pg = await startTestPostgres();
    // Two deployments: one allowed to reach loopback (tests only), one as shipped. (Two
    // instances of one deployment would share the job queue, and so each other's jobs.)
    pgStrict = await startTestPostgres();
    permissive = await startTestServer(pg, {
      instanceId: 'permissive',
      linkPreviews: { enabled: true, allowPrivate: true },
    });
    strict = await startTestServer(pgStrict, {
      instanceId: 'strict',
      linkPreviews: { enabled: true, allowPrivate: false },
    });
  });
  after(async () => {
    await permissive?.close();
    await strict?.close();
    await pg?.stop();
    await pgStrict?.stop();
    site.closeAllConnections();
    site.close();
  });

  it('attaches the preview after the send and announces it as message:updated', async () => {
    const { token } = await login(permissive, ADMIN.email, ADMIN.password);
    const gid = (await api<{ groups: Group[] }>(permissive, 'GET', '/api/groups', { token })).body.groups[0]!
      .id;
    const socket = await connectSocket(permissive, token);
    const events = recordEvents(socket);
    const sent = await sendMessage(permissive, token, gid, `Here: ${siteUrl}.`);
    assert.equal(sent.body.message.linkPreview, null, 'the send does not wait for the fetch');
    const updated = await waitFor('message:updated with preview', () =>
      events.find(
        (e) =>
          e.event === 'message:updated' &&
          (e.data as { message: Message }).message.id === sent.body.message.id,
      ),
    );
    assert.deepEqual((updated.data as { message: Message }).message.linkPreview, {
      url: siteUrl,
      title: 'Fixture list',
      description: 'Spring season',
      imageUrl: null,
    });
    const history = await api<{ messages: Message[] }>(permissive, 'GET', `/api/groups/${gid}/messages`, {
      token,
    });
    assert.equal(history.body.messages.at(-1)!.linkPreview?.title, 'Fixture list');
    socket.close();
  });

  it('as shipped, a loopback URL is refused: no preview, and the refusal is cached', async () => {
    const { token } = await login(strict, ADMIN.email, ADMIN.password, 'mobile');
    const gid = (await api<{ groups: Group[] }>(strict, 'GET', '/api/groups', { token })).body.groups[0]!.id;
    const other = siteUrl.replace('/fixtures', '/private-only');
    const sent = await sendMessage(strict, token, gid, `metadata ${other}`);
    // The attempt runs after the send; its outcome (a refusal) is cached when it is done.
    const rows = await waitFor('the preview attempt to finish', async () => {
      const result = await strict.pool.query('SELECT ok FROM public.link_previews WHERE url = $1', [other]);
      return result.rows.length > 0 && result.rows;
    });
    assert.deepEqual(rows, [{ ok: false }]);
    const history = await api<{ messages: Message[] }>(strict, 'GET', `/api/groups/${gid}/messages`, {
      token,
    });
    assert.equal(history.body.messages.find((m) => m.id === sent.body.message.id)!.linkPreview, null);
  });
});
