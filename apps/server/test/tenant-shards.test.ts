/**
 * Phase 4, tenant shards: two database clusters (two databases behind the test world's
 * PgBouncer), least-loaded placement, and `tenant:move` while the tenant's people are connected
 * and sending — nothing acknowledged is lost or doubled, the open socket keeps working on the new
 * shard, and the old schema is gone only after the switch.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PG_TYPES, ShardMap, tenantDb } from '@rosterchirp/db';
import { REPO_ROOT } from '@rosterchirp/infra';
import type { Group, Message, SendAck } from '@rosterchirp/protocol';
import { createSqlHostAudit, createSqlTenantCatalog } from '@rosterchirp/store';
import pg from 'pg';
import { MoveError, moveTenant } from '../src/tenant-move.ts';
import { sleep, startTestPostgres, startTestServer, type TestServer, waitFor } from './harness.ts';
import {
  createTenant,
  hostApi,
  hostMode,
  type TestTenant,
  tenantApi,
  tenantLogin,
  tenantSocket,
} from './host-kit.ts';

const run = promisify(execFile);

describe('tenant shards (phase 4)', { timeout: 180_000 }, () => {
  let main: Awaited<ReturnType<typeof startTestPostgres>>;
  let east: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  const pools: pg.Pool[] = [];
  let shards: ShardMap;
  const tenants = new Map<string, TestTenant>();
  let dataDir: string;

  const schemaOn = async (pool: pg.Pool, schema: string) =>
    (await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rc-shards-'));
    main = await startTestPostgres();
    east = await startTestPostgres();
    server = await startTestServer(main, {
      hostMode,
      shards: { east: { url: east.url, directUrl: east.directUrl } },
    });
    const mainPool = new pg.Pool({ connectionString: main.url, types: PG_TYPES });
    const eastPool = new pg.Pool({ connectionString: east.url, types: PG_TYPES });
    pools.push(mainPool, eastPool);
    shards = new ShardMap({
      main: { pool: mainPool, directUrl: main.directUrl },
      east: { pool: eastPool, directUrl: east.directUrl },
    });
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await server?.close();
    for (const p of pools) await p.end();
    await main?.stop();
    await east?.stop();
  });

  it('new tenants go to the least-loaded shard', async () => {
    for (const slug of ['mover', 'second', 'third']) tenants.set(slug, await createTenant(server, slug));
    const list = await hostApi<{ tenants: Array<{ slug: string; shard: string }> }>(
      server,
      'GET',
      '/api/host/tenants',
    );
    const shardOf = Object.fromEntries(list.body.tenants.map((t) => [t.slug, t.shard]));
    assert.deepEqual(shardOf, { mover: 'main', second: 'east', third: 'main' });
    assert.ok(await schemaOn(shards.get('east').pool, 'tenant_second'));
    assert.ok(!(await schemaOn(shards.get('main').pool, 'tenant_second')));
  });

  it('a tenant moves while its people are connected and sending: nothing lost or doubled, the socket keeps working', async () => {
    const catalog = createSqlTenantCatalog(tenantDb(shards.get('main').pool, 'public'));
    const host = 'mover.chat.test';
    const admin = tenants.get('mover')!.admin;
    const made = await tenantApi<{ user: { id: number } }>(server, host, 'POST', '/api/users', {
      token: admin.token,
      body: { email: 'bob@mover.example', name: 'Bob', password: 'bob-password-1' },
    });
    assert.equal(made.status, 201);
    const bob = await tenantLogin(server, host, 'bob@mover.example', 'bob-password-1');
    const group = await tenantApi<{ group: Group }>(server, host, 'POST', '/api/groups', {
      token: admin.token,
      body: { type: 'private', name: 'Moving day', memberIds: [made.body.user.id] },
    });
    const groupId = group.body.group.id;
    const socket = await tenantSocket(server, host, bob.token);
    const heard = new Set<number>();
    socket.on('message:new', ({ message }: { message: Message }) => {
      if (message.groupId === groupId) heard.add(message.id);
    });

    // The admin sends through REST the whole time; a refused try (503 while the schema moves)
    // is retried with the same clientId, as clients do.
    const acked = new Map<string, number>();
    const statuses = new Map<number, number>();
    let sending = true;
    const sender = (async () => {
      for (let i = 0; sending || i < 40; i++) {
        const clientId = `move-${i}`;
        for (;;) {
          const res = await tenantApi<{ message: Message }>(
            server,
            host,
            'POST',
            `/api/groups/${groupId}/messages`,
            {
              token: admin.token,
              body: { clientId, content: `during the move ${i}` },
            },
          );
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 201 || res.status === 200) {
            acked.set(clientId, res.body.message.id);
            break;
          }
          await sleep(20);
        }
        await sleep(5);
      }
    })();
    await waitFor('a few messages before the move', () => (acked.size >= 10 ? true : undefined));
    const report = await moveTenant({
      shards,
      catalog,
      audit: createSqlHostAudit(tenantDb(shards.get('main').pool, 'public')),
      slug: 'mover',
      to: 'east',
    });
    sending = false;
    await sender;
    process.stdout.write(
      `# move: ${report.tables} tables, ${report.rows} rows, read-only window ${report.readOnlyMs} ms, ${report.totalMs} ms in all; sender statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`,
    );
    assert.equal(report.from, 'main');
    assert.equal(report.to, 'east');
    assert.equal((await catalog.bySlug('mover'))?.shard, 'east');
    assert.ok(!(await schemaOn(shards.get('main').pool, 'tenant_mover')), 'the old schema is gone');
    const onEast = await shards
      .get('east')
      .pool.query<{ client_id: string; id: number }>(
        `SELECT client_id, id FROM tenant_mover.messages WHERE client_id LIKE 'move-%'`,
      );
    assert.equal(onEast.rowCount, acked.size, 'every acknowledged message is on the new shard, once');
    assert.deepEqual(
      new Map(onEast.rows.map((r) => [r.client_id, r.id])),
      acked,
      'with the ids the senders were given',
    );
    await waitFor('Bob heard every acknowledged message', () =>
      [...acked.values()].every((id) => heard.has(id)) ? true : undefined,
    );
    // The socket opened before the move sends on the new shard.
    const ack = await new Promise<SendAck>((resolve) =>
      socket.emit('message:send', { groupId, clientId: 'after-move', content: 'still here' }, resolve),
    );
    assert.equal(ack.ok, true, JSON.stringify(ack));
    const check = await shards
      .get('east')
      .pool.query(`SELECT 1 FROM tenant_mover.messages WHERE client_id = 'after-move'`);
    assert.equal(check.rowCount, 1);
    socket.close();
  });

  it('refuses a move to an unknown shard, to where it is, or of an unknown tenant — changing nothing', async () => {
    const catalog = createSqlTenantCatalog(tenantDb(shards.get('main').pool, 'public'));
    const attempt = (slug: string, to: string) => moveTenant({ shards, catalog, slug, to });
    await assert.rejects(
      attempt('mover', 'west'),
      (e: unknown) => e instanceof MoveError && /No shard "west"/.test(e.message),
    );
    await assert.rejects(attempt('mover', 'east'), /already on shard "east"/);
    await assert.rejects(attempt('nosuch', 'main'), /No tenant "nosuch"/);
    assert.equal((await catalog.bySlug('mover'))?.shard, 'east');
  });

  it('the control plane lists shards and moves a tenant; bad moves get the documented errors and change nothing', async () => {
    const shardsNow = await hostApi<{ shards: Array<{ name: string; tenants: number }> }>(
      server,
      'GET',
      '/api/host/shards',
    );
    assert.equal(shardsNow.status, 200);
    assert.deepEqual(
      shardsNow.body.shards.map((x) => x.name),
      ['main', 'east'],
    );
    const before = Object.fromEntries(shardsNow.body.shards.map((x) => [x.name, x.tenants]));
    const moved = await hostApi<{
      tenant: { shard: string };
      move: { from: string; to: string; readOnlyMs: number };
    }>(server, 'POST', '/api/host/tenants/third/move', { shard: 'east' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.tenant.shard, 'east');
    assert.deepEqual([moved.body.move.from, moved.body.move.to], ['main', 'east']);
    assert.ok(moved.body.move.readOnlyMs >= 0);
    const after = await hostApi<{ shards: Array<{ name: string; tenants: number }> }>(
      server,
      'GET',
      '/api/host/shards',
    );
    assert.deepEqual(Object.fromEntries(after.body.shards.map((x) => [x.name, x.tenants])), {
      main: before.main! - 1,
      east: before.east! + 1,
    });
    const refusals: Array<[string, unknown, number, string, RegExp]> = [
      ['third', { shard: 'west' }, 400, 'VALIDATION_FAILED', /No shard "west"/],
      ['third', { shard: 'east' }, 409, 'CONFLICT', /already on shard "east"/],
      ['nosuch', { shard: 'main' }, 404, 'NOT_FOUND', /No tenant "nosuch"/],
      ['third', { shard: 'main', extra: 1 }, 400, 'VALIDATION_FAILED', /extra/],
      ['third', { shard: 'Not A Shard' }, 400, 'VALIDATION_FAILED', /shard/],
      ['third', {}, 400, 'VALIDATION_FAILED', /shard/],
    ];
    for (const [slug, body, status, code, text] of refusals) {
      const res = await hostApi<{ error: { code: string; message: string; details?: unknown } }>(
        server,
        'POST',
        `/api/host/tenants/${slug}/move`,
        body,
      );
      assert.equal(res.status, status, `${slug} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code);
      assert.match(`${res.body.error.message} ${JSON.stringify(res.body.error.details ?? {})}`, text);
    }
    const noKey = await hostApi(
      server,
      'POST',
      '/api/host/tenants/third/move',
      { shard: 'main' },
      { key: null },
    );
    assert.equal(noKey.status, 401);
    const audit = await hostApi<{ entries: Array<{ action: string; slug: string; outcome: string }> }>(
      server,
      'GET',
      '/api/host/audit?slug=third',
    );
    assert.ok(audit.body.entries.some((e) => e.action === 'tenant.move' && e.outcome === 'ok'));
    assert.ok(
      audit.body.entries.some((e) => e.action === 'tenant.move' && e.outcome.startsWith('failed: No shard')),
    );
    const catalog = createSqlTenantCatalog(tenantDb(shards.get('main').pool, 'public'));
    assert.equal((await catalog.bySlug('third'))?.shard, 'east', 'the refusals changed nothing');
  });

  it('pnpm tenant:move moves a tenant back, and explains a refusal with exit code 2', async () => {
    const env = {
      ...process.env,
      APP_TYPE: 'host',
      HOST_DOMAIN: hostMode.domain,
      HOST_ADMIN_KEY: hostMode.adminKey,
      DATABASE_URL: main.url,
      DATABASE_DIRECT_URL: main.directUrl,
      JWT_SECRET: 'x'.repeat(48),
      SHARDS: JSON.stringify({ east: { url: east.url, directUrl: east.directUrl } }),
      LOG_LEVEL: 'warn',
    };
    const cli = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'apps/server/src/tenant-move-cli.ts', ...args], {
        cwd: REPO_ROOT,
        env,
      });
    const moved = await cli('second', 'main');
    assert.match(
      moved.stdout,
      /^moved second \(tenant_second\) from east to main: \d+ tables, \d+ rows; writes waited \d+ ms/,
    );
    const refused = await cli('second', 'nowhere').then(
      () => assert.fail('should exit 2'),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /No shard "nowhere" \(configured: main, east\)/);
    // The tenant answers from its new home.
    const login = await tenantApi(server, 'second.chat.test', 'POST', '/api/auth/login', {
      body: { email: 'admin@second.example', password: 'wrong-password-1' },
    });
    assert.equal(login.status, 401);
    assert.ok(await schemaOn(shards.get('main').pool, 'tenant_second'));
    // A tenant on another shard exports from there (mover now lives on east).
    const file = join(dataDir, 'mover.tar.gz');
    const exported = await run(
      process.execPath,
      ['--import', 'tsx', 'apps/server/src/tenant-archive-cli.ts', 'export', 'mover', file],
      { cwd: REPO_ROOT, env: { ...env, DATA_DIR: dataDir } },
    );
    assert.match(exported.stderr, /exported \d+ tables/);
    assert.ok((await stat(file)).size > 0);
  });
});
