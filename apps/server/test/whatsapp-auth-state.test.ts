/**
 * The WhatsApp bridge's auth state in Postgres passes the round trips Baileys' file-based state
 * does: creds and every key type back byte-equal (BufferJSON), deletes, concurrent batched
 * writes, per-type expiry with cleanup, and the tenant checked on every call. Plus the message
 * mapping both ways. No test talks to WhatsApp's servers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tenantDb } from '@rosterchirp/db';
import { inboundText, outboundContent, usePostgresAuthState } from '@rosterchirp/domain';
import { createSqlStores } from '@rosterchirp/store';
import baileys from '@whiskeysockets/baileys';
import {
  ADMIN,
  api,
  createMember,
  login,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

const { useMultiFileAuthState } = baileys;
const store = createSqlStores().whatsappAuth;

/** One value of every key type Baileys keeps, with Buffers in them. */
function sampleKeys() {
  const buf = () => randomBytes(32);
  return {
    'pre-key': { '1': { public: buf(), private: buf() } },
    session: { '4477@s.whatsapp.net.0': buf() },
    'sender-key': { 'g1::4477::0': buf() },
    'sender-key-memory': { g1: { '4477@s.whatsapp.net': true } },
    'app-state-sync-key': {
      AAAA: { keyData: buf(), fingerprint: { rawId: 1, currentIndex: 2, deviceIndexes: [0] }, timestamp: 5 },
    },
    'app-state-sync-version': {
      regular: { version: 3, hash: buf(), indexValueMap: { x: { valueMac: buf() } } },
    },
  } as const;
}

describe('WhatsApp auth state in Postgres', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let dir: string;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg);
    dir = await mkdtemp(join(tmpdir(), 'wa-auth-'));
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creds and every key type come back exactly as Baileys’ file-based state gives them', async () => {
    const db = tenantDb(server.pool, 'public');
    const files = await useMultiFileAuthState(dir);
    const pgState = await usePostgresAuthState(store, db, 'public');
    const keys = sampleKeys();
    await files.state.keys.set(keys as never);
    await pgState.state.keys.set(keys as never);
    pgState.state.creds = files.state.creds;
    await pgState.saveCreds();
    await files.saveCreds();
    const reopened = await usePostgresAuthState(store, db, 'public');
    const filesReopened = await useMultiFileAuthState(dir);
    assert.deepEqual(reopened.state.creds, filesReopened.state.creds, 'creds round-trip as from files');
    assert.ok(Buffer.isBuffer(reopened.state.creds.noiseKey.private));
    for (const [type, entries] of Object.entries(keys)) {
      const ids = Object.keys(entries);
      const fromFiles = await files.state.keys.get(type as never, ids);
      const fromPg = await reopened.state.keys.get(type as never, ids);
      assert.deepEqual(JSON.parse(JSON.stringify(fromPg)), JSON.parse(JSON.stringify(fromFiles)), type);
    }
    const session = (await reopened.state.keys.get('session', ['4477@s.whatsapp.net.0']))[
      '4477@s.whatsapp.net.0'
    ];
    assert.ok(
      Buffer.isBuffer(session) && session.equals(keys.session['4477@s.whatsapp.net.0']),
      'Buffers byte-equal',
    );
    // Deleting (null) removes the row.
    await reopened.state.keys.set({ 'pre-key': { '1': null } } as never);
    assert.equal((await reopened.state.keys.get('pre-key', ['1']))['1'], undefined);
  });

  it('concurrent batched writes all land; expiry per key type; cleanup deletes only expired rows', async () => {
    const db = tenantDb(server.pool, 'public');
    let now = Date.now();
    const state = await usePostgresAuthState(store, db, 'public', { now: () => now });
    const writes = Array.from({ length: 20 }, (_, w) =>
      state.state.keys.set({
        'pre-key': Object.fromEntries(
          Array.from({ length: 50 }, (_, i) => [
            `${w}-${i}`,
            { public: randomBytes(8), private: randomBytes(8) },
          ]),
        ),
      } as never),
    );
    await Promise.all(writes);
    const got = await state.state.keys.get(
      'pre-key',
      Array.from({ length: 50 }, (_, i) => `19-${i}`),
    );
    assert.equal(Object.values(got).filter(Boolean).length, 50);
    const before = await store.count(db, 'public');
    now -= 8 * 86_400_000; // written "8 days ago": sender-key-memory lives 7 days
    await state.state.keys.set({ 'sender-key-memory': { old: { a: true } } } as never);
    assert.equal(
      (await state.state.keys.get('sender-key-memory', ['old'])).old,
      undefined,
      'expired: not read',
    );
    assert.equal(await store.deleteExpired(db, 'public'), 1);
    assert.equal(await store.count(db, 'public'), before, 'nothing else deleted');
  });

  it('the tenant is checked on every read and write', async () => {
    const db = tenantDb(server.pool, 'public');
    await assert.rejects(usePostgresAuthState(store, db, 'tenant_other'), /used with public/);
    assert.equal(
      (await store.read(db, 'tenant_other', 'creds', ['creds'])).size,
      0,
      'another tenant’s rows are not this one’s',
    );
  });

  it('linking starts a Baileys socket on the Postgres state; unlinking ends it and deletes the state', async () => {
    const admin = await login(server, ADMIN.email, ADMIN.password);
    assert.equal(
      (await api(server, 'POST', '/api/integrations/whatsapp/link', { token: admin.token })).status,
      202,
    );
    const linking = await api<{ whatsapp: { state: string; authRows: number } }>(
      server,
      'GET',
      '/api/integrations',
      {
        token: admin.token,
      },
    );
    // WhatsApp's servers are not reachable from the tests: linking, or disconnected and retrying.
    assert.ok(['linking', 'disconnected'].includes(linking.body.whatsapp.state), linking.body.whatsapp.state);
    assert.equal(
      (await api(server, 'DELETE', '/api/integrations/whatsapp', { token: admin.token })).status,
      204,
    );
    const after = await api<{ whatsapp: { state: string; authRows: number; qr: string | null } }>(
      server,
      'GET',
      '/api/integrations',
      { token: admin.token },
    );
    assert.deepEqual(
      [after.body.whatsapp.state, after.body.whatsapp.authRows, after.body.whatsapp.qr],
      ['unlinked', 0, null],
    );
    const member = await api(server, 'POST', '/api/integrations/whatsapp/link', {
      token: (await createMember(server, admin.token, 'Wes')).token,
    });
    assert.equal(member.status, 403, 'admins only');
  });

  it('a contact’s WhatsApp message lands once in their conversation; a reply without a connected socket is kept for a retry', async () => {
    const db = tenantDb(server.pool, 'public');
    const wa = server.app.services.integrations.whatsapp;
    const msg = {
      key: { id: 'WAID1', remoteJid: '447700900123@s.whatsapp.net', fromMe: false },
      pushName: 'Winnie',
      message: { conversation: 'Hello from *WhatsApp*' },
    };
    await wa.receive(db, msg);
    await wa.receive(db, msg); // redelivered: ignored
    const contact = await server.app.services.integrations.contacts
      .list(db)
      .then((all) => all.find((c) => c.phones.includes('+447700900123')));
    assert.equal(contact?.name, 'Winnie');
    const { rows } = await server.pool.query<{ content: string; sender_name: string; group_id: number }>(
      "SELECT content, sender_name, group_id FROM public.messages WHERE client_id = 'wa:WAID1'",
    );
    assert.equal(rows.length, 1, 'once');
    assert.equal(rows[0]!.content, 'Hello from **WhatsApp**');
    assert.equal(rows[0]!.sender_name, 'Winnie');
    const link = await createSqlStores().integrations.contactOfConversation(db, rows[0]!.group_id);
    assert.equal(link?.bridge, 'whatsapp');
    // An admin's reply while no socket is connected here: the relay job marks it failed and
    // retries (not lost, not sent twice).
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const reply = await sendMessage(server, admin.token, rows[0]!.group_id, 'Hi Winnie');
    assert.equal(reply.status, 201);
    const stores = createSqlStores();
    await waitFor(
      'the relay tried',
      async () =>
        (await stores.integrations.bridgeMessageStatus(db, 'whatsapp', `out:${reply.body.message.id}`)) ===
        'failed',
      15_000,
    );
  });

  it('messages map both ways', () => {
    const text = inboundText({
      key: { id: 'ABC', remoteJid: '15551234567@s.whatsapp.net', fromMe: false },
      pushName: 'Wanda',
      message: { extendedTextMessage: { text: 'hi *there* ~old~' } },
    });
    assert.deepEqual(text, { phone: '+15551234567', text: 'hi **there** ~~old~~', id: 'ABC', name: 'Wanda' });
    assert.equal(
      inboundText({ key: { id: 'x', remoteJid: '123-456@g.us' }, message: { conversation: 'group' } }),
      null,
    );
    assert.equal(
      inboundText({
        key: { id: 'x', remoteJid: '15551234567@s.whatsapp.net', fromMe: true },
        message: { conversation: 'me' },
      }),
      null,
    );
    assert.equal(
      inboundText({
        key: { id: 'y', remoteJid: '15551234567@s.whatsapp.net' },
        message: { imageMessage: { caption: 'look' } },
      })?.text,
      '📷 Image look',
    );
    assert.deepEqual(outboundContent({ content: '**done** and ~~gone~~ `x`', imageUrl: null }), {
      text: '*done* and ~gone~ ```x```',
    });
  });
});
