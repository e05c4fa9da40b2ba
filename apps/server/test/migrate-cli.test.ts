import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  LATEST_MIGRATION_TABLE,
  putBehindLatestMigration,
  startTestPostgres,
  startTestServer,
  type TestServer,
} from './harness.ts';
import { ADMIN_KEY, createTenant, HOST_DOMAIN, hostMode } from './host-kit.ts';

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/migrate-cli.ts', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

describe('pnpm migrate --all', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;
  let env: Record<string, string>;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg, { hostMode });
    for (const slug of ['one', 'two', 'three']) await createTenant(server, slug);
    env = {
      DATABASE_URL: pg.url,
      DATABASE_DIRECT_URL: pg.directUrl,
      APP_TYPE: 'host',
      HOST_DOMAIN,
      HOST_ADMIN_KEY: ADMIN_KEY,
    };
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
  });

  it('migrates every tenant schema with progress; two runs at once apply each migration once', async () => {
    for (const schema of ['tenant_one', 'tenant_three']) {
      await putBehindLatestMigration(server.pool, schema);
    }
    const [a, b] = await Promise.all([runCli(['--all'], env), runCli(['--all'], env)]);
    for (const run of [a, b]) {
      assert.equal(run.code, 0, run.err);
      assert.match(run.out, /\[3\/3\]/);
      assert.match(run.out, /3 tenant schemas, \d migrated, 0 failed/);
    }
    const migratedBy = (run: { out: string }) => Number(/3 tenant schemas, (\d) migrated/.exec(run.out)![1]);
    assert.equal(migratedBy(a) + migratedBy(b), 2, 'each behind schema migrated by exactly one run');
    const { rows } = await server.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = $1 AND table_schema IN ('tenant_one','tenant_two','tenant_three')",
      [LATEST_MIGRATION_TABLE],
    );
    assert.equal(rows[0]!.n, 3);
  });

  it('explains its usage and a bad configuration without a stack trace', async () => {
    const usage = await runCli(['--everything'], env);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /Usage: pnpm migrate \[--all\]/);
    const bad = await runCli(['--all'], { ...env, HOST_ADMIN_KEY: 'short' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /HOST_ADMIN_KEY must be at least 24 characters/);
  });
});
