/**
 * Backups of one tenant (host mode, S3-compatible storage): `tenant:export` writes its data and
 * objects to a file; the tenant is deleted (schema dropped, objects deleted by the job); a
 * `tenant:import` brings it back — people can sign in with their passwords, messages, the image
 * (byte for byte), the schedule and its answers are there — and `--slug` makes a copy whose
 * object keys follow the new schema. Bad input is refused and leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type S3Handle, startS3 } from '@rosterchirp/infra';
import type { CreateUploadReply, Message, Occurrence } from '@rosterchirp/protocol';
import { S3Storage } from '@rosterchirp/storage';
import { cliEnv, runCli } from './cli-kit.ts';
import { startTestPostgres, startTestServer, type TestServer, waitFor } from './harness.ts';
import {
  ADMIN_KEY,
  createTenant,
  HOST_DOMAIN,
  hostApi,
  hostMode,
  hostOf,
  tenantApi,
  tenantLogin,
} from './host-kit.ts';

const PNG = readFileSync(join(process.cwd(), 'apps', 'web', 'public', 'icon-192.png'));

describe('tenant export and import', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let s3: S3Handle;
  let server: TestServer;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    pg = await startTestPostgres();
    s3 = await startS3();
    server = await startTestServer(pg, { hostMode, storage: new S3Storage(s3.settings) });
    dir = await mkdtemp(join(tmpdir(), 'rc-archive-'));
    env = cliEnv(pg, s3, dir, { APP_TYPE: 'host', HOST_DOMAIN, HOST_ADMIN_KEY: ADMIN_KEY });
  });
  after(async () => {
    await server?.close();
    await s3?.stop();
    await pg?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runCli('tenant-archive-cli.ts', args, env);

  it('export, delete, import: the tenant is back with its data and images; --slug makes a copy', async () => {
    const alpha = await createTenant(server, 'alpha');
    const channel = 1;
    const issued = await tenantApi<CreateUploadReply>(server, alpha.host, 'POST', '/api/uploads', {
      token: alpha.admin.token,
      body: { kind: 'image', contentType: 'image/png', size: PNG.length },
    });
    const put = await fetch(issued.body.uploadUrl, {
      method: 'PUT',
      headers: issued.body.headers,
      body: PNG,
    });
    assert.ok(put.ok, `presigned PUT ${put.status}`);
    for (const [clientId, body] of [
      ['hello', { content: 'Hello from before the backup' }],
      ['image', { imageKey: issued.body.key }],
      ['reply', { content: 'Second line\nwith a newline, a tab\tand a backslash \\ in it' }],
    ] as const) {
      const sent = await tenantApi(server, alpha.host, 'POST', `/api/groups/${channel}/messages`, {
        token: alpha.admin.token,
        body: { clientId, ...body },
      });
      assert.equal(sent.status, 201);
    }
    const start = new Date(Date.now() + 2 * 86_400_000);
    start.setUTCHours(18, 0, 0, 0);
    const event = await tenantApi<{ event: { id: number } }>(server, alpha.host, 'POST', '/api/events', {
      token: alpha.admin.token,
      body: {
        title: 'Weekly practice',
        start: start.toISOString(),
        end: new Date(start.getTime() + 3600_000).toISOString(),
        typeId: 1,
        timeZone: 'Europe/Paris',
        recurrence: { freq: 'daily', count: 5 },
      },
    });
    assert.equal(event.status, 201);
    await tenantApi(server, alpha.host, 'POST', `/api/events/${event.body.event.id}/rsvp`, {
      token: alpha.admin.token,
      body: { occurrenceStart: start.toISOString(), status: 'going' },
    });

    const file = join(dir, 'alpha.tar.gz');
    const exported = await cli('export', 'alpha', file);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /messages: \d+ rows/);
    assert.match(exported.stderr, /exported \d+ tables \(\d+ rows\) and [12] objects/);

    // The tenant goes away entirely.
    assert.equal((await hostApi(server, 'DELETE', '/api/host/tenants/alpha')).status, 204);
    await waitFor('alpha deleted with its objects', async () => {
      const { rows } = await server.pool.query("SELECT 1 FROM public.tenants WHERE slug = 'alpha'");
      return rows.length === 0;
    });
    assert.deepEqual(await server.services.storage.list('tenant_alpha/'), []);

    const imported = await cli('import', file);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /imported alpha as alpha/);

    const check = async (slug: string) => {
      const host = hostOf(slug);
      // Within the resolver's negative-cache time the new host answers.
      const signIn = async () =>
        (
          await tenantApi(server, host, 'POST', '/api/auth/login', {
            body: { email: alpha.admin.email, password: alpha.admin.password },
          })
        ).status === 200;
      await waitFor(`sign-in at ${slug}`, signIn, 10_000);
      const admin = await tenantLogin(server, host, alpha.admin.email, alpha.admin.password);
      const history = await tenantApi<{ messages: Message[] }>(
        server,
        host,
        'GET',
        `/api/groups/${channel}/messages`,
        {
          token: admin.token,
        },
      );
      const contents = history.body.messages.map((m) => m.content);
      assert.ok(contents.includes('Hello from before the backup'));
      // Counts kept by triggers come out right, whatever order the tables loaded in.
      const groups = await tenantApi<{ groups: Array<{ id: number; memberCount: number }> }>(
        server,
        host,
        'GET',
        '/api/groups',
        { token: admin.token },
      );
      const people = await tenantApi<{ users: unknown[] }>(server, host, 'GET', '/api/users', {
        token: admin.token,
      });
      assert.equal(groups.body.groups.find((g) => g.id === channel)?.memberCount, people.body.users.length);
      assert.ok(contents.includes('Second line\nwith a newline, a tab\tand a backslash \\ in it'));
      const image = history.body.messages.find((m) => m.imageUrl)!;
      const key = image.imageUrl!.replace('/api/uploads/', '');
      assert.ok(key.startsWith(`tenant_${slug.replace(/-/g, '_')}/image/`), key);
      const stored = await server.services.storage.get(key);
      assert.ok(stored, 'the image is in storage under the tenant');
      const bytes: Buffer[] = [];
      for await (const chunk of stored.body) bytes.push(chunk as Buffer);
      assert.ok(Buffer.concat(bytes).equals(PNG), 'byte for byte');
      const served = await tenantApi(server, host, 'GET', `/api/uploads/${key}`, { token: admin.token });
      assert.ok([200, 302].includes(served.status), `the API serves it: ${served.status}`);
      const listed = await tenantApi<{ occurrences: Occurrence[] }>(
        server,
        host,
        'GET',
        `/api/events?from=${encodeURIComponent(new Date().toISOString())}`,
        { token: admin.token },
      );
      assert.equal(listed.body.occurrences.length, 5);
      assert.equal(listed.body.occurrences[0]!.rsvp.mine, 'going');
      // New rows continue after the imported ids.
      const more = await tenantApi(server, host, 'POST', `/api/groups/${channel}/messages`, {
        token: admin.token,
        body: { clientId: `after-import-${slug}`, content: 'after the import' },
      });
      assert.equal(more.status, 201, JSON.stringify(more.body));
    };
    await check('alpha');

    const copy = await cli('import', file, '--slug', 'alpha-copy');
    assert.equal(copy.code, 0, copy.stderr);
    await check('alpha-copy');
    const tenants = await hostApi<{ tenants: Array<{ slug: string; status: string }> }>(
      server,
      'GET',
      '/api/host/tenants',
    );
    assert.deepEqual(
      tenants.body.tenants.filter((t) => t.slug.startsWith('alpha')).map((t) => [t.slug, t.status]),
      [
        ['alpha', 'active'],
        ['alpha-copy', 'active'],
      ],
    );
  });

  it('refuses what it cannot import, and leaves nothing behind', async () => {
    const file = join(dir, 'beta.tar.gz');
    await createTenant(server, 'beta');
    assert.equal((await cli('export', 'beta', file)).code, 0);
    const taken = await cli('import', file);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /refused: a tenant "beta" exists/);
    const badSlug = await cli('import', file, '--slug', 'Not_A_Slug');
    assert.equal(badSlug.code, 1);
    const garbage = join(dir, 'garbage.tar.gz');
    await writeFile(garbage, 'this is not an archive');
    const broken = await cli('import', garbage, '--slug', 'gamma');
    assert.notEqual(broken.code, 0);
    const { rows } = await server.pool.query(
      `SELECT (SELECT count(*) FROM public.tenants WHERE slug = 'gamma')::int AS rows,
              (SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant_gamma')::int AS schemas`,
    );
    assert.deepEqual(rows[0], { rows: 0, schemas: 0 });
    const unknown = await cli('export', 'nobody', join(dir, 'x.tar.gz'));
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no tenant "nobody"/);
    const usage = await cli('import');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage:/);
  });

  it('self-hosted: the one workspace moves to another database (--replace over a fresh install)', async () => {
    const pgA = await startTestPostgres();
    const pgB = await startTestPostgres();
    const s3A = await startS3();
    const s3B = await startS3();
    const a = await startTestServer(pgA, { storage: new S3Storage(s3A.settings), instanceId: 'self-a' });
    const b = await startTestServer(pgB, { storage: new S3Storage(s3B.settings), instanceId: 'self-b' });
    const envOf = (db: typeof pgA, store: S3Handle) => cliEnv(db, store, dir, { APP_TYPE: 'selfhost' });
    const cliWith = (e: Record<string, string>, ...args: string[]) =>
      runCli('tenant-archive-cli.ts', args, e);
    try {
      const admin = await tenantLogin(a, '127.0.0.1', 'admin@example.test', 'admin-password-1');
      const zed = await tenantApi<{ user: { id: number } }>(a, '127.0.0.1', 'POST', '/api/users', {
        token: admin.token,
        body: { email: 'zed@example.test', name: 'Zed Zebra', password: 'zed-password-123' },
      });
      assert.equal(zed.status, 201);
      const issued = await tenantApi<CreateUploadReply>(a, '127.0.0.1', 'POST', '/api/uploads', {
        token: admin.token,
        body: { kind: 'image', contentType: 'image/png', size: PNG.length },
      });
      assert.ok(
        (await fetch(issued.body.uploadUrl, { method: 'PUT', headers: issued.body.headers, body: PNG })).ok,
      );
      await tenantApi(a, '127.0.0.1', 'POST', '/api/groups/1/messages', {
        token: admin.token,
        body: { clientId: 'self-1', content: 'moved with the workspace', imageKey: issued.body.key },
      });
      const file = join(dir, 'public.tar.gz');
      const wrongSlug = await cliWith(envOf(pgA, s3A), 'export', 'alpha', file);
      assert.equal(wrongSlug.code, 1);
      assert.equal((await cliWith(envOf(pgA, s3A), 'export', 'public', file)).code, 0);
      // B already has its first-start admin: importing needs --replace.
      const refused = await cliWith(envOf(pgB, s3B), 'import', file);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /--replace/);
      const replaced = await cliWith(envOf(pgB, s3B), 'import', file, '--replace');
      assert.equal(replaced.code, 0, replaced.stderr);
      const zedOnB = await tenantLogin(b, '127.0.0.1', 'zed@example.test', 'zed-password-123');
      const history = await tenantApi<{ messages: Message[] }>(
        b,
        '127.0.0.1',
        'GET',
        '/api/groups/1/messages',
        {
          token: zedOnB.token,
        },
      );
      const moved = history.body.messages.find((m) => m.content === 'moved with the workspace');
      assert.ok(moved?.imageUrl, 'the message and its image');
      const stored = await b.services.storage.get(moved.imageUrl.replace('/api/uploads/', ''));
      assert.ok(stored, 'the image is in B’s storage');
      stored.body.destroy();
    } finally {
      await a.close();
      await b.close();
      await s3A.stop();
      await s3B.stop();
      await pgA.stop();
      await pgB.stop();
    }
  });
});
