/**
 * Phase 3, read replicas: a real streaming replica (`pg_basebackup -R` of a Debian Postgres)
 * answers replica-eligible reads (scrolling back through history, pinned messages, the people
 * directory); writes, catch-up and the reads of whoever just wrote go to the primary. Which pool
 * answered is proven with the replica's replay paused: the replica then cannot know the newest
 * message, the primary can.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type PostgresHandle, type RedisHandle, startPostgres, startRedis } from '@rosterchirp/infra';
import type { Message } from '@rosterchirp/protocol';
import pg from 'pg';
import {
  ADMIN,
  api,
  createMember,
  login,
  publicChannel,
  sendMessage,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

describe('read replica (phase 3)', { timeout: 120_000 }, () => {
  let dir: string;
  let primary: PostgresHandle;
  let replica: PostgresHandle;
  let server: TestServer;
  let strict: TestServer;
  /** A second instance sharing Redis with `server`: who just wrote is known to both. */
  let other: TestServer;
  let redis: RedisHandle;
  let replicaAdmin: pg.Client;
  let admin: string;
  let bob: string;
  let channel: number;

  const history = async (server: TestServer, token: string, query: string) => {
    const res = await api<{ messages: Message[] }>(
      server,
      'GET',
      `/api/groups/${channel}/messages?${query}`,
      {
        token,
      },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.messages.map((m) => m.content);
  };
  const counter = async (server: TestServer, pool: string) => {
    const res = await server.app.inject({ method: 'GET', url: '/metrics' });
    const m = new RegExp(`^rosterchirp_db_reads_total\\{pool="${pool}"\\} (\\d+)`, 'm').exec(res.body);
    return m ? Number(m[1]) : 0;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rc-replica-'));
    await chmod(dir, 0o755);
    primary = await startPostgres({ dir: join(dir, 'primary'), database: 'rosterchirp' });
    replica = await startPostgres({
      dir: join(dir, 'replica'),
      database: 'rosterchirp',
      replicaOf: primary.port,
    });
    const db = { url: primary.url, directUrl: primary.url };
    const replicaUrl = replica.url;
    redis = await startRedis();
    const lenient = {
      replica: { url: replicaUrl, maxLagMs: 600_000, checkEveryMs: 100 },
      readYourWritesMs: 60_000,
      redisUrl: redis.url,
    };
    server = await startTestServer(db, { ...lenient, instanceId: 'one' });
    other = await startTestServer(db, { ...lenient, instanceId: 'two' });
    // The same database, with a replica that may be at most 300 ms behind.
    strict = await startTestServer(db, { replica: { url: replicaUrl, maxLagMs: 300, checkEveryMs: 100 } });
    replicaAdmin = new pg.Client({ connectionString: replica.url.replace(/\/rosterchirp$/, '/postgres') });
    await replicaAdmin.connect();
    admin = (await login(server, ADMIN.email, ADMIN.password)).token;
    bob = (await createMember(server, admin, 'Bob Reader')).token;
    channel = await publicChannel(server, admin);
    for (let i = 1; i <= 5; i++)
      assert.equal((await sendMessage(server, admin, channel, `old ${i}`)).status, 201);
  });
  after(async () => {
    await replicaAdmin?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await replicaAdmin?.end().catch(() => undefined);
    await strict?.close();
    await other?.close();
    await server?.close();
    await redis?.stop();
    await replica?.stop();
    await primary?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('scrolling back is answered by the replica; the writer, the latest page and catch-up by the primary', async () => {
    await waitFor('the replica has replayed the old messages', async () =>
      (await history(server, bob, 'before=2147483647&limit=10')).includes('old 5') ? true : undefined,
    );
    const replicaBefore = await counter(server, 'replica');
    await replicaAdmin.query('SELECT pg_wal_replay_pause()');
    const sent = await sendMessage(server, admin, channel, 'new while paused');
    assert.equal(sent.status, 201);
    const id = sent.body.message.id;

    const scrollback = await history(server, bob, 'before=2147483647&limit=10');
    assert.ok(scrollback.includes('old 5'));
    assert.ok(!scrollback.includes('new while paused'), 'Bob scrolled back on the paused replica');
    assert.ok((await counter(server, 'replica')) > replicaBefore, 'counted as a replica read');

    assert.ok(
      (await history(server, admin, 'before=2147483647&limit=10')).includes('new while paused'),
      'the admin just wrote: their reads go to the primary',
    );
    assert.ok(
      (await history(server, bob, 'limit=10')).includes('new while paused'),
      'the latest page: primary',
    );
    assert.deepEqual(
      await history(server, bob, `after=${id - 1}`),
      ['new while paused'],
      'catch-up: primary',
    );
  });

  it('a writer’s next request on another instance reads the primary too (the marks are shared in Redis)', async () => {
    // Replay is still paused.
    assert.equal((await sendMessage(server, admin, channel, 'written on one')).status, 201);
    assert.ok(
      (await history(other, admin, 'before=2147483647&limit=10')).includes('written on one'),
      'the writer, on the other instance: primary',
    );
    assert.ok(
      !(await history(other, bob, 'before=2147483647&limit=10')).includes('written on one'),
      'someone else, on the other instance: the (paused) replica',
    );
  });

  it('a replica further behind than REPLICA_MAX_LAG_MS serves nothing until it catches up', async () => {
    // Replay is still paused and a new write is waiting: the lag passes 300 ms.
    assert.equal((await sendMessage(server, admin, channel, 'lagging')).status, 201);
    // While replay is paused and WAL waits, the lag (age of the last replayed commit) only grows;
    // a lag reading past 300 ms is therefore final. An `in_use 0` alone could be a reading taken
    // before the pause whose next check, still under 300 ms, turns the replica back on.
    await waitFor('the strict instance measures more than 300 ms and stops using its replica', async () => {
      const res = await strict.app.inject({ method: 'GET', url: '/metrics' });
      const lag = Number(/^rosterchirp_replica_lag_seconds ([\d.e+-]+)$/m.exec(res.body)?.[1] ?? 0);
      return lag > 0.3 && /^rosterchirp_replica_in_use 0$/m.test(res.body) ? true : undefined;
    });
    assert.ok(
      (await history(strict, bob, 'before=2147483647&limit=10')).includes('lagging'),
      'read on the primary',
    );
    assert.ok(
      !(await history(server, bob, 'before=2147483647&limit=10')).includes('lagging'),
      'the lenient one still lags',
    );
    await replicaAdmin.query('SELECT pg_wal_replay_resume()');
    await waitFor('the replica catches up and serves again', async () =>
      (await history(server, bob, 'before=2147483647&limit=10')).includes('lagging') ? true : undefined,
    );
    await waitFor('the strict instance uses it again', async () => {
      const res = await strict.app.inject({ method: 'GET', url: '/metrics' });
      return /^rosterchirp_replica_in_use 1$/m.test(res.body) ? true : undefined;
    });
  });

  it('a replica outage falls back to the primary without a single error', async () => {
    await replicaAdmin.end();
    process.kill(replica.pid, 'SIGINT'); // fast shutdown: the pools' connections are cut
    await replica.stop();
    const fallbackBefore = await counter(server, 'fallback');
    for (let i = 0; i < 5; i++) {
      assert.ok((await history(server, bob, 'before=2147483647&limit=10')).includes('lagging'));
      const people = await api(server, 'GET', '/api/users', { token: bob });
      assert.equal(people.status, 200);
    }
    const fallback = (await counter(server, 'fallback')) - fallbackBefore;
    assert.ok(fallback <= 1, `at most the first read after the outage failed over (${fallback})`);
    assert.ok((await counter(server, 'primary')) > 0);
  });
});
