/**
 * `pnpm doctor` against a real deployment (Postgres behind PgBouncer, Redis, S3, a listening
 * instance): healthy → exit 0 and one entry per check; Redis unreachable → exit 1 with a line
 * naming it. It prints its own timing (not asserted: timing is for benchmarks).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { migrateSchema } from '@rosterchirp/db';
import { freePort, type RedisHandle, type S3Handle, startRedis, startS3 } from '@rosterchirp/infra';
import { S3Storage } from '@rosterchirp/storage';
import pgDriver from 'pg';
import { cliEnv, runCli } from './cli-kit.ts';
import { startTestPostgres, startTestServer, type TestServer } from './harness.ts';

interface Report {
  ok: boolean;
  tookMs: number;
  checks: Array<{ name: string; ok: boolean; detail: string; problem?: string }>;
}

describe('pnpm doctor', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let redis: RedisHandle;
  let s3: S3Handle;
  let server: TestServer;
  let dataDir: string;
  let env: Record<string, string>;

  before(async () => {
    pg = await startTestPostgres();
    redis = await startRedis();
    s3 = await startS3();
    server = await startTestServer(pg, { redisUrl: redis.url, storage: new S3Storage(s3.settings) });
    dataDir = await mkdtemp(join(tmpdir(), 'rc-doctor-'));
    env = cliEnv(pg, s3, dataDir, { REDIS_URL: redis.url });
  });
  after(async () => {
    await server?.close();
    await s3?.stop();
    await redis?.stop();
    await pg?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const doctor = async (args: string[], extraEnv: Record<string, string> = {}) =>
    runCli('doctor-cli.ts', args, { ...env, ...extraEnv });

  it('a healthy deployment: exit 0, every part checked', async () => {
    const { code, stdout } = await doctor(['--json', '--url', server.url]);
    const report = JSON.parse(stdout) as Report;
    assert.equal(code, 0, stdout);
    assert.equal(report.ok, true);
    assert.deepEqual(report.checks.map((c) => c.name).sort(), [
      'bridges',
      'instance',
      'instances',
      'jobs',
      'migrations',
      'pgbouncer',
      'postgres',
      'redis',
      'slow queries',
      'storage',
    ]);
    assert.ok(
      report.checks.every((c) => c.ok),
      stdout,
    );
    // The registry lists the running instance with its version, connections and lag.
    const instances = report.checks.find((c) => c.name === 'instances')!;
    assert.match(instances.detail, /^1 live: test-1 v\S+ up \d+ s, 0 connections, lag p99 \d+ ms/);
    process.stdout.write(`# doctor took ${report.tookMs} ms\n`);
  });

  it('bridges: SMS set up, WhatsApp state, last message and auth rows; a disconnected link is a problem', async () => {
    await server.pool.query(
      `INSERT INTO public.settings (key, value) VALUES ('integration_sms', '{"accountSid":"AC0"}'),
         ('integration_whatsapp', '{"state":"connected"}')
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    );
    await server.pool.query(
      `INSERT INTO public.whatsapp_auth (tenant, category, key_id, value) VALUES ('public', 'creds', 'creds', '{}'),
         ('public', 'session', 'a', '{}'), ('tenant_other', 'session', 'b', '{}')`,
    );
    await server.pool.query(
      `INSERT INTO public.bridge_messages (bridge, external_id, direction) VALUES ('sms', 'SM1', 'in')`,
    );
    const healthy = JSON.parse((await doctor(['--json'])).stdout) as Report;
    const line = healthy.checks.find((c) => c.name === 'bridges')!;
    assert.equal(line.ok, true, line.detail);
    assert.match(line.detail, /SMS: 1 tenant set up, last message \d+ s ago/);
    assert.match(
      line.detail,
      /WhatsApp: 1 connected, 0 linking, 0 disconnected, last message never, 2 auth-state rows/,
    );
    await server.pool.query(
      `UPDATE public.settings SET value = '{"state":"disconnected"}' WHERE key = 'integration_whatsapp'`,
    );
    const { code, stdout } = await doctor(['--json']);
    assert.equal(code, 1);
    const bad = (JSON.parse(stdout) as Report).checks.find((c) => c.name === 'bridges')!;
    assert.equal(bad.ok, false);
    assert.match(bad.problem ?? '', /WhatsApp disconnected for public/);
    await server.pool.query(
      `DELETE FROM public.settings WHERE key IN ('integration_sms', 'integration_whatsapp');
       DELETE FROM public.whatsapp_auth; DELETE FROM public.bridge_messages`,
    );
  });

  it('bridges reads the tenants of every shard, and names a shard it cannot read', async () => {
    const east = await startTestPostgres();
    try {
      await migrateSchema(east.directUrl, 'tenant_east');
      const direct = new pgDriver.Client({ connectionString: east.directUrl });
      await direct.connect();
      await direct.query(
        `INSERT INTO tenant_east.settings (key, value) VALUES ('integration_whatsapp', '{"state":"disconnected"}');
         INSERT INTO tenant_east.whatsapp_auth (tenant, category, key_id, value) VALUES ('tenant_east', 'creds', 'creds', '{}')`,
      );
      await direct.end();
      // Shards are a host-mode setting.
      const shards = (extra: Record<string, { url: string; directUrl: string }> = {}) => ({
        APP_TYPE: 'host',
        HOST_DOMAIN: 'chirp.test',
        HOST_ADMIN_KEY: 'doctor-test-host-admin-key-0123456789abcdef',
        SHARDS: JSON.stringify({ east: { url: east.url, directUrl: east.directUrl }, ...extra }),
      });
      const line = async (env: Record<string, string>) =>
        (JSON.parse((await doctor(['--json'], env)).stdout) as Report).checks.find(
          (c) => c.name === 'bridges',
        )!;
      const onEast = await line(shards());
      assert.equal(onEast.ok, false);
      assert.match(
        onEast.detail,
        /WhatsApp: 0 connected, 0 linking, 1 disconnected, last message never, 1 auth-state rows/,
      );
      assert.match(onEast.problem ?? '', /WhatsApp disconnected for tenant_east/);
      const gone = `postgres://nobody@127.0.0.1:${await freePort()}/none`;
      const withDead = await line(shards({ west: { url: gone, directUrl: gone } }));
      assert.match(withDead.problem ?? '', /cannot read shard west/);
      assert.match(withDead.problem ?? '', /WhatsApp disconnected for tenant_east/);
    } finally {
      await east.stop();
    }
  });

  it('Redis gone: exit 1 and a line that says so', async () => {
    // A Redis address where nothing listens (the instance keeps its own Redis).
    const gone = { REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    const json = await doctor(['--json'], gone);
    const report = JSON.parse(json.stdout) as Report;
    assert.equal(json.code, 1);
    assert.equal(report.ok, false);
    const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
    assert.deepEqual(failed, ['redis']);
    const text = await doctor([], gone);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /PROBLEMS/);
    assert.match(text.stdout, /✗ redis/);
  });

  it('an instance that stopped is listed as gone; none live is a problem', async () => {
    await server.pool.query(`UPDATE rosterchirp_ops.instances SET seen_at = now() - interval '5 minutes'`);
    try {
      const { code, stdout } = await doctor(['--json']);
      const report = JSON.parse(stdout) as Report;
      assert.equal(code, 1);
      const instances = report.checks.find((c) => c.name === 'instances')!;
      assert.equal(instances.ok, false);
      assert.match(instances.detail, /^0 live; gone: test-1 \(silent 5 min\)/);
      assert.match(instances.problem ?? '', /no instance has reported/);
    } finally {
      await server.pool.query(`UPDATE rosterchirp_ops.instances SET seen_at = now()`);
    }
  });
});
