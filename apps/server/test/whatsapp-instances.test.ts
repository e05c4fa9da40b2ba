/**
 * The WhatsApp socket lives on the instance that linked it; the relay job that sends a reply runs
 * on any instance. Two instances over real Redis and Postgres: the one without the socket asks
 * the others (socket.io server-side emit through the Redis adapter) and the holder sends the
 * reply once. WhatsApp's servers are not reachable here, so the socket is a stand-in that records
 * what it is asked to send; everything around it is real.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { tenantDb } from '@rosterchirp/db';
import type { WhatsappSocket, WhatsappSocketFactory } from '@rosterchirp/domain';
import { type RedisHandle, startRedis } from '@rosterchirp/infra';
import { createSqlStores } from '@rosterchirp/store';
import {
  ADMIN,
  api,
  login,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

interface Sent {
  jid: string;
  content: unknown;
}

/** A socket that opens at once and records what it sends. */
function standInSockets(sent: Sent[]): WhatsappSocketFactory {
  return async () => {
    const ev = new EventEmitter();
    const socket = {
      ev,
      user: { id: '447700900999:1@s.whatsapp.net' },
      sendMessage: async (jid: string, content: unknown) => {
        sent.push({ jid, content });
        return undefined;
      },
      logout: async () => undefined,
      end: () => undefined,
    };
    setImmediate(() => ev.emit('connection.update', { connection: 'open' }));
    return socket as unknown as WhatsappSocket;
  };
}

describe('WhatsApp across instances', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let redis: RedisHandle;
  let holder: TestServer;
  let other: TestServer;
  const sent: Sent[] = [];

  before(async () => {
    pg = await startTestPostgres();
    redis = await startRedis();
    holder = await startTestServer(pg, {
      redisUrl: redis.url,
      instanceId: 'holder',
      whatsappSocket: standInSockets(sent),
    });
    other = await startTestServer(pg, { redisUrl: redis.url, instanceId: 'other' });
  });
  after(async () => {
    await other?.close();
    await holder?.close();
    await redis?.stop();
    await pg?.stop();
  });

  it('a reply relayed on an instance without the socket is sent once by the instance that holds it', async () => {
    const admin = await login(holder, ADMIN.email, ADMIN.password);
    const linked = await api(holder, 'POST', '/api/integrations/whatsapp/link', { token: admin.token });
    assert.ok(linked.status < 300, JSON.stringify(linked.body));
    await waitFor('connected, as every instance reads it', async () => {
      const res = await api<{ whatsapp: { state: string; phone: string | null } }>(
        other,
        'GET',
        '/api/integrations',
        { token: admin.token },
      );
      return res.body.whatsapp?.state === 'connected' && res.body.whatsapp.phone === '+447700900999';
    });

    // A contact writes in (through the holder's socket): their conversation is made.
    const db = tenantDb(holder.pool, 'public');
    await holder.app.services.integrations.whatsapp.receive(db, {
      key: { id: 'WA-X1', remoteJid: '447700900123@s.whatsapp.net', fromMe: false },
      pushName: 'Winnie',
      message: { conversation: 'Are you open today?' },
    });
    const contact = (await other.app.services.integrations.contacts.list(db)).find((c) =>
      c.phones.includes('+447700900123'),
    )!;
    const { rows } = await holder.pool.query<{ group_id: number }>(
      "SELECT group_id FROM public.messages WHERE client_id = 'wa:WA-X1'",
    );
    // The reply, stored without going through the send path (so no relay job races this one).
    const reply = await holder.pool.query<{ id: number }>(
      `INSERT INTO public.messages (group_id, author_id, client_id, content)
       VALUES ($1, (SELECT id FROM public.users WHERE email = $2), 'reply-1', 'Yes, until six') RETURNING id`,
      [rows[0]!.group_id, ADMIN.email],
    );
    const message = { id: reply.rows[0]!.id, content: 'Yes, until six', imageUrl: null };

    assert.equal(
      await other.app.services.integrations.whatsapp.sendHere({
        schema: 'public',
        jid: 'x@s.whatsapp.net',
        content: { text: 'x' },
      }),
      false,
      'the other instance holds no socket',
    );
    await other.app.services.integrations.whatsapp.relayOut(tenantDb(other.pool, 'public'), contact, message);
    assert.deepEqual(sent, [{ jid: '447700900123@s.whatsapp.net', content: { text: 'Yes, until six' } }]);
    const stores = createSqlStores();
    assert.equal(await stores.integrations.bridgeMessageStatus(db, 'whatsapp', `out:${message.id}`), 'done');
    // Relayed again (a retried job): not sent twice.
    await other.app.services.integrations.whatsapp.relayOut(tenantDb(other.pool, 'public'), contact, message);
    assert.equal(sent.length, 1);
  });
});
