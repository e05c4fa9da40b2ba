import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PG_TYPES } from '@rosterchirp/db';
import { type Cluster, REPO_ROOT, startCluster } from '@rosterchirp/infra';
import type { Group, Message } from '@rosterchirp/protocol';
import pg from 'pg';
import { launchChromium, SHOTS, signIn as signInPage } from './browser-kit.ts';
import { connected, http, socketTo, streamTo } from './cluster-kit.ts';
import { sleep, waitFor } from './harness.ts';

const run = promisify(execFile);

/**
 * The real topology from `pnpm cluster`: Postgres → PgBouncer ← 2 instances → Redis, s3rver,
 * Caddy in front. Instances are separate processes, killed with real signals. It runs twice:
 * over one redis-server (every test), and over a 3-master Redis Cluster with a streaming read
 * replica (`pnpm cluster --redis-cluster --replica`: doctor, cross-instance delivery, the SIGKILL
 * catch-up and presence expiry).
 */
const TOPOLOGIES = [
  { title: 'cluster: 2 instances behind Caddy', redisCluster: false },
  {
    title: 'cluster: 2 instances behind Caddy on a 3-master Redis Cluster and a read replica',
    redisCluster: true,
  },
];

for (const topology of TOPOLOGIES)
  describe(topology.title, { timeout: 240_000 }, () => {
    /** Tests that exercise one Redis server's restart, draining or the browser run on it alone. */
    const standaloneOnly = (name: string, fn: () => Promise<void>) => {
      if (!topology.redisCluster) it(name, fn);
    };
    let cluster: Cluster;
    let adminToken: string;
    const people: Record<string, { id: number; token: string; email: string; password: string }> = {};

    async function signIn(email: string, password: string, device: 'desktop' | 'mobile' = 'desktop') {
      const res = await http<{ token: string; user: { id: number } }>(
        cluster.url,
        'POST',
        '/api/auth/login',
        undefined,
        {
          email,
          password,
          device,
        },
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    }

    before(async () => {
      cluster = await startCluster({
        instances: 2,
        redisCluster: topology.redisCluster,
        replica: topology.redisCluster,
        env: {
          PRESENCE_TTL_MS: '3000',
          DRAIN_DELAY_MS: '2500',
          RATE_LIMIT_SEND_PER_10S: '100000',
          RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
        },
      });
      adminToken = (await signIn(cluster.admin.email, cluster.admin.password)).token;
      for (const name of ['Alice', 'Bob', 'Eve']) {
        const email = `${name.toLowerCase()}@example.test`;
        const password = `${name}-password-1`;
        const created = await http(cluster.url, 'POST', '/api/users', adminToken, { email, name, password });
        assert.equal(created.status, 201);
        const { token, user } = await signIn(email, password);
        people[name] = { id: user.id, token, email, password };
      }
    });
    after(async () => {
      await cluster?.stop();
    });

    const instanceUrl = (i: number) => cluster.instances[i]!.url;

    it('pnpm run doctor reads the cluster’s environment file: healthy, both instances listed', async () => {
      const { stdout } = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'apps/server/src/doctor-cli.ts',
          '--json',
          '--env-file',
          cluster.envFile,
          '--url',
          cluster.url,
        ],
        { cwd: REPO_ROOT },
      ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
      const report = JSON.parse(stdout) as {
        ok: boolean;
        checks: Array<{ name: string; ok: boolean; detail: string }>;
      };
      assert.equal(report.ok, true, stdout);
      const instances = report.checks.find((c) => c.name === 'instances')!;
      assert.match(instances.detail, /^2 live: api-1 v\S+ up .*; api-2 v\S+ up /);
      assert.ok(report.checks.some((c) => c.name === 'pgbouncer' && c.ok));
      const replica = report.checks.find((c) => c.name === 'replica');
      if (topology.redisCluster)
        assert.match(replica?.detail ?? '', /^streaming replica at .*, \d+ ms behind/);
      else assert.equal(replica, undefined);
      const redis = report.checks.find((c) => c.name === 'redis')!;
      assert.match(
        redis.detail,
        topology.redisCluster
          ? /^Redis Cluster ok: 3 masters serving slots, 16384 of 16384 slots assigned/
          : /^Redis 7/,
      );
    });

    standaloneOnly('Caddy spreads requests over both instances; migrations ran once', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++)
        seen.add((await http<{ instance: string }>(cluster.url, 'GET', '/api/health')).body.instance);
      assert.deepEqual([...seen].sort(), ['api-1', 'api-2']);
      const c = new pg.Client({ connectionString: cluster.postgres.url, types: PG_TYPES });
      await c.connect();
      const { rows } = await c.query(
        'SELECT version, count(*)::int AS n FROM public.schema_migrations GROUP BY version',
      );
      await c.end();
      assert.ok(rows.length >= 2 && rows.every((r) => r.n === 1));
    });

    it('a message sent on instance 1 reaches socket.io and stream clients on instance 2 once, and no outsider', async () => {
      const { Alice, Bob, Eve } = people as Required<typeof people>;
      const group = await http<{ group: Group }>(instanceUrl(0), 'POST', '/api/groups', Alice!.token, {
        type: 'private',
        name: 'Across the cluster',
        memberIds: [Bob!.id],
      });
      const gid = group.body.group.id;
      const bob = socketTo(instanceUrl(1), Bob!.token);
      const eve = socketTo(instanceUrl(1), Eve!.token);
      await Promise.all([connected(bob), connected(eve)]);
      const got: Message[] = [];
      const eveGot: Message[] = [];
      bob.on('message:new', ({ message }) => got.push(message));
      eve.on('message:new', ({ message }) => eveGot.push(message));
      const stream = streamTo(instanceUrl(1), Bob!.token);
      await waitFor('stream hello', () => stream.frames.find((f) => f.type === 'hello'));
      const sent = await http<{ message: Message }>(
        instanceUrl(0),
        'POST',
        `/api/groups/${gid}/messages`,
        Alice!.token,
        {
          clientId: 'cluster-1',
          content: 'hello from api-1',
        },
      );
      assert.equal(sent.status, 201);
      await waitFor('socket.io delivery on api-2', () => got.find((m) => m.id === sent.body.message.id));
      await waitFor('stream delivery on api-2', () =>
        stream.frames.find((f) => f.type === 'message:new' && f.data.message.id === sent.body.message.id),
      );
      // Absence without sleeping: a later message everyone hears has arrived everywhere.
      const channels = await http<{ groups: Group[] }>(instanceUrl(0), 'GET', '/api/groups', Alice!.token);
      const general = channels.body.groups.find((g) => g.type === 'public')!.id;
      const mark = await http<{ message: Message }>(
        instanceUrl(0),
        'POST',
        `/api/groups/${general}/messages`,
        Alice!.token,
        {
          clientId: 'cluster-barrier',
          content: 'barrier',
        },
      );
      const isMark = (m: Message) => m.id === mark.body.message.id;
      await waitFor(
        'the barrier at every client',
        () =>
          got.some(isMark) &&
          eveGot.some(isMark) &&
          stream.frames.some((f) => f.type === 'message:new' && isMark(f.data.message)),
      );
      const isSent = (m: Message) => m.id === sent.body.message.id;
      assert.equal(got.filter(isSent).length, 1);
      assert.equal(stream.frames.filter((f) => f.type === 'message:new' && isSent(f.data.message)).length, 1);
      assert.equal(eveGot.filter(isSent).length, 0);
      bob.close();
      eve.close();
      stream.ws.close();
    });

    it('SIGKILL mid-conversation: clients reconnect through Caddy and catch up — zero lost, zero duplicated', async () => {
      const { Alice, Bob } = people as Required<typeof people>;
      const group = await http<{ group: Group }>(cluster.url, 'POST', '/api/groups', Alice!.token, {
        type: 'private',
        name: 'Crash test',
        memberIds: [Bob!.id],
      });
      const gid = group.body.group.id;
      // Two receivers through Caddy: round-robin puts one on each instance.
      const receivers = [0, 1].map(() => {
        const socket = socketTo(cluster.url, Bob!.token, true);
        const ids = new Set<number>();
        let lastSeen = 0;
        const note = (m: Message) => {
          if (m.groupId !== gid) return;
          ids.add(m.id);
          lastSeen = Math.max(lastSeen, m.id);
        };
        socket.on('message:new', ({ message }) => note(message));
        socket.on('connect', async () => {
          // What every client does after (re)connecting: fetch what it missed.
          for (;;) {
            const page = await http<{ messages: Message[]; hasMore: boolean }>(
              cluster.url,
              'GET',
              `/api/groups/${gid}/messages?after=${lastSeen}&limit=100`,
              Bob!.token,
            ).catch(() => null);
            if (page?.status !== 200) {
              await sleep(200);
              continue;
            }
            for (const m of page.body.messages) note(m);
            if (!page.body.hasMore) break;
          }
        });
        return { socket, ids };
      });
      await Promise.all(receivers.map((r) => connected(r.socket)));

      const total = 60;
      const acked = new Map<string, number>();
      let failures = 0;
      const failureKinds = new Map<string, number>();
      const send = async (i: number) => {
        const clientId = `crash-${i}`;
        for (;;) {
          try {
            const res = await http<{ message: Message }>(
              cluster.url,
              'POST',
              `/api/groups/${gid}/messages`,
              Alice!.token,
              {
                clientId,
                content: `message ${i}`,
              },
            );
            if (res.status === 201 || res.status === 200) {
              acked.set(clientId, res.body.message.id);
              return;
            }
            failures++;
            failureKinds.set(String(res.status), (failureKinds.get(String(res.status)) ?? 0) + 1);
          } catch (err) {
            failures++;
            const kind = (err as Error).name;
            failureKinds.set(kind, (failureKinds.get(kind) ?? 0) + 1);
          }
          await sleep(100);
        }
      };
      const victim = cluster.instances[1]!;
      for (let i = 0; i < total; i++) {
        if (i === 20) victim.child.kill('SIGKILL');
        await send(i);
        await sleep(20);
      }
      await victim.exited;
      assert.equal(acked.size, total);
      for (const [n, r] of receivers.entries()) {
        await waitFor(`receiver ${n} has all ${total}`, () => r.ids.size >= total, 20_000);
        assert.deepEqual(
          [...r.ids].sort((a, b) => a - b),
          [...acked.values()].sort((a, b) => a - b),
          'exactly the acknowledged ones',
        );
      }
      const c = new pg.Client({ connectionString: cluster.postgres.url, types: PG_TYPES });
      await c.connect();
      const { rows } = await c.query(
        "SELECT count(*)::int AS n FROM public.messages WHERE client_id LIKE 'crash-%'",
      );
      await c.end();
      assert.equal(rows[0].n, total, 'retries created no duplicates');
      for (const r of receivers) r.socket.close();
      process.stdout.write(
        `# crash test: ${failures} failed attempts were retried by the sender ${JSON.stringify(Object.fromEntries(failureKinds))}\n`,
      );
      await cluster.restartInstance(1);
    });

    it('presence: a user online only on a SIGKILLed instance goes offline within the TTL', async () => {
      const { Eve } = people as Required<typeof people>;
      const watcher = socketTo(instanceUrl(0), adminToken);
      await connected(watcher);
      const events: Array<{ type: string; userId: number }> = [];
      watcher.on('presence:changed', ({ online, offline }) => {
        for (const userId of online) events.push({ type: 'online', userId });
        for (const userId of offline) events.push({ type: 'offline', userId });
      });
      const eveOnB = socketTo(instanceUrl(1), Eve!.token);
      await connected(eveOnB);
      await waitFor('eve online', () => events.find((e) => e.type === 'online' && e.userId === Eve!.id));
      const victim = cluster.instances[1]!;
      victim.child.kill('SIGKILL');
      await victim.exited;
      const started = Date.now();
      await waitFor(
        'eve offline after the crash',
        () => events.find((e) => e.type === 'offline' && e.userId === Eve!.id),
        20_000,
      );
      process.stdout.write(`# presence expired ${Date.now() - started} ms after SIGKILL (TTL 3000 ms)\n`);
      const list = await new Promise<number[]>((r) => watcher.emit('users:online', {}, (x) => r(x.userIds)));
      assert.ok(!list.includes(Eve!.id));
      eveOnB.close();
      watcher.close();
      await cluster.restartInstance(1);
    });

    standaloneOnly('SIGTERM drains an instance without a single failed request', async () => {
      const { Alice } = people as Required<typeof people>;
      let ok = 0;
      const failed: string[] = [];
      let running = true;
      const loop = async () => {
        while (running) {
          try {
            const res = await http(cluster.url, 'GET', '/api/groups', Alice!.token);
            if (res.status === 200) ok++;
            else failed.push(String(res.status));
          } catch (err) {
            failed.push((err as Error).message);
          }
        }
      };
      const loops = [loop(), loop(), loop(), loop()];
      await sleep(500);
      const victim = cluster.instances[0]!;
      victim.child.kill('SIGTERM');
      await victim.exited;
      await sleep(1000);
      running = false;
      await Promise.all(loops);
      assert.deepEqual(failed, []);
      assert.ok(ok > 20, `${ok} requests succeeded`);
      process.stdout.write(`# drain: ${ok} requests during SIGTERM, 0 failed\n`);
      await cluster.restartInstance(0);
    });

    standaloneOnly(
      'PgBouncer and Redis restarts: clean errors while down, then recovery, nothing acknowledged lost',
      async () => {
        const { Alice, Bob } = people as Required<typeof people>;
        const groups = await http<{ groups: Group[] }>(cluster.url, 'GET', '/api/groups', Alice!.token);
        const gid = groups.body.groups.find((g) => g.type === 'public')!.id;
        const acked: number[] = [];
        const statuses = new Map<number, number>();
        let i = 0;
        const sendSome = async (n: number) => {
          for (let k = 0; k < n; k++, i++) {
            const started = Date.now();
            const res = await http<{ message?: Message; error?: { code: string } }>(
              cluster.url,
              'POST',
              `/api/groups/${gid}/messages`,
              Alice!.token,
              { clientId: `restart-${i}`, content: `m${i}` },
            ).catch(() => ({ status: 0, body: {} as { message?: Message; error?: { code: string } } }));
            assert.ok(Date.now() - started < 10_000, 'no request hangs');
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status >= 500) assert.ok(res.body.error?.code, 'a failure is a clean JSON error');
            if (res.body.message) acked.push(res.body.message.id);
            await sleep(20);
          }
        };
        await sendSome(10);
        await Promise.all([cluster.pgbouncer.restart(), sendSome(20)]);
        await Promise.all([cluster.redis.restart(), sendSome(20)]);
        await sleep(1500);
        await sendSome(10);
        const tail = await http<{ messages: Message[] }>(
          cluster.url,
          'GET',
          `/api/groups/${gid}/messages?limit=100`,
          Bob!.token,
        );
        assert.equal(tail.status, 200, 'reads recover');
        const stored = new Set(tail.body.messages.map((m) => m.id));
        for (const id of acked) assert.ok(stored.has(id), `acknowledged message ${id} is stored`);
        const last = await http(cluster.url, 'POST', `/api/groups/${gid}/messages`, Alice!.token, {
          clientId: 'after-restarts',
          content: 'ok',
        });
        assert.equal(last.status, 201, 'writes recover');
        process.stdout.write(`# restarts: statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
      },
    );

    standaloneOnly('the web client works through Caddy (headless Chromium)', async () => {
      const email = 'uma@example.test';
      const password = 'Uma-password-1';
      assert.equal(
        (await http(cluster.url, 'POST', '/api/users', adminToken, { email, name: 'Uma User', password }))
          .status,
        201,
      );
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        await signInPage(page, cluster.url, email, password);
        await page.getByRole('button', { name: /General Chat/ }).click();
        // The realtime connection is up (no "Connecting…" banner) after the restarts above.
        await page.locator('.conn-banner').waitFor({ state: 'detached', timeout: 15_000 });
        const box = page.getByRole('textbox', { name: 'Message', exact: true });
        await box.fill('Hello through Caddy and two instances');
        assert.equal(await box.inputValue(), 'Hello through Caddy and two instances');
        await box.press('Enter');
        await page
          .getByRole('log')
          .getByText('Hello through Caddy and two instances')
          .waitFor({ timeout: 10_000 });
        await page.screenshot({ path: join(SHOTS, 'cluster-desktop.png') });
      } finally {
        await browser.close();
      }
    });
  });
