/**
 * The upload cleanup, on local disk and on S3: objects nothing points at (an image uploaded but
 * never sent, the original of a cropped avatar) go; a sent image, its thumbnail and the avatar's
 * two sizes stay. A dry run reports without deleting; only admins may ask; bad bodies are 400.
 * (The age rule — a day by default — is set to 0 here so that fresh objects count.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type S3Handle, startS3 } from '@rosterchirp/infra';
import type { Message, UploadCleanupReply, User } from '@rosterchirp/protocol';
import { S3Storage } from '@rosterchirp/storage';
import {
  ADMIN,
  api,
  createMember,
  login,
  publicChannel,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

const PNG = readFileSync(join(process.cwd(), 'apps', 'web', 'public', 'icon-192.png'));

async function direct(server: TestServer, token: string, kind: 'image' | 'avatar') {
  const form = new FormData();
  form.set('kind', kind);
  form.set('file', new Blob([PNG], { type: 'image/png' }), 'pic.png');
  const res = await fetch(`${server.url}/api/uploads/direct`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { key: string }).key;
}

for (const backend of ['local disk', 's3'] as const) {
  describe(`upload cleanup on ${backend}`, () => {
    let pg: Awaited<ReturnType<typeof startTestPostgres>>;
    let s3: S3Handle | undefined;
    let server: TestServer;

    before(async () => {
      pg = await startTestPostgres();
      if (backend === 's3') s3 = await startS3();
      server = await startTestServer(pg, {
        uploadKeepHours: 0,
        ...(s3 ? { storage: new S3Storage(s3.settings) } : {}),
      });
    });
    after(async () => {
      await server?.close();
      await s3?.stop();
      await pg?.stop();
    });

    it('deletes what nothing points at and keeps what something does; a dry run deletes nothing', async () => {
      const admin = await login(server, ADMIN.email, ADMIN.password);
      const member = await createMember(server, admin.token, 'Cleo Cleanup');
      const channel = await publicChannel(server, member.token);
      const sentKey = await direct(server, member.token, 'image');
      const sent = await api<{ message: Message }>(server, 'POST', `/api/groups/${channel}/messages`, {
        token: member.token,
        body: { clientId: 'cleanup-sent', imageKey: sentKey },
      });
      assert.equal(sent.status, 201);
      const thumbUrl = await waitFor('the thumbnail', async () => {
        const page = await api<{ messages: Message[] }>(server, 'GET', `/api/groups/${channel}/messages`, {
          token: member.token,
        });
        return page.body.messages.find((m) => m.id === sent.body.message.id)?.thumbUrl ?? undefined;
      });
      const unsentKey = await direct(server, member.token, 'image');
      const avatarOriginal = await direct(server, member.token, 'avatar');
      const me = await api<{ user: User }>(server, 'PATCH', '/api/me', {
        token: member.token,
        body: { avatarKey: avatarOriginal },
      });
      const avatarKey = me.body.user.avatarUrl!.replace('/api/uploads/', '');
      const keep = [
        sentKey,
        thumbUrl.replace('/api/uploads/', ''),
        avatarKey,
        avatarKey.replace('/avatar/', '/thumb/'),
      ];
      const before = (await server.services.storage.list('public/')).sort();

      const dry = await api<UploadCleanupReply>(server, 'POST', '/api/uploads/cleanup', {
        token: admin.token,
        body: { dryRun: true },
      });
      assert.equal(dry.status, 200, JSON.stringify(dry.body));
      assert.deepEqual([...dry.body.report.orphans].sort(), [unsentKey, avatarOriginal].sort());
      assert.equal(dry.body.report.deleted, 0);
      assert.equal(dry.body.report.objects, before.length);
      assert.deepEqual(
        (await server.services.storage.list('public/')).sort(),
        before,
        'a dry run deletes nothing',
      );

      const run = await api<UploadCleanupReply>(server, 'POST', '/api/uploads/cleanup', {
        token: admin.token,
        body: { dryRun: false },
      });
      assert.equal(run.body.report.deleted, 2);
      const after = await server.services.storage.list('public/');
      for (const key of keep) assert.ok(after.includes(key), `${key} is kept`);
      assert.ok(!after.includes(unsentKey) && !after.includes(avatarOriginal), 'the orphans are gone');
      // The deleted upload cannot be attached any more.
      const late = await api(server, 'POST', `/api/groups/${channel}/messages`, {
        token: member.token,
        body: { clientId: 'cleanup-late', imageKey: unsentKey },
      });
      assert.equal(late.status, 400);
      const metrics = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
      assert.match(metrics.body, /rosterchirp_uploads_cleaned_total [1-9]/);
    });

    it('only admins, and only a valid body', async () => {
      const admin = await login(server, ADMIN.email, ADMIN.password);
      const member = await createMember(server, admin.token, 'Nia Nosy');
      const refused = await api(server, 'POST', '/api/uploads/cleanup', {
        token: member.token,
        body: { dryRun: true },
      });
      assert.equal(refused.status, 403);
      const bad = await api<{ error: { code: string } }>(server, 'POST', '/api/uploads/cleanup', {
        token: admin.token,
        body: { dryRun: 'yes' },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    });
  });
}

describe('the periodic upload cleanup', () => {
  it('two instances starting together make one cleanup job for the period, and it runs', async () => {
    const pg = await startTestPostgres();
    const servers = await Promise.all(
      ['one', 'two'].map((instanceId) => startTestServer(pg, { instanceId, uploadCleanupHours: 6 })),
    );
    try {
      const jobs = await waitFor('the cleanup job done', async () => {
        const { rows } = await servers[0]!.pool.query<{ state: string }>(
          "SELECT state FROM pgboss.job WHERE name = 'upload-cleanup'",
        );
        return rows.length > 0 && rows.every((r) => r.state === 'completed') && rows;
      });
      assert.equal(jobs.length, 1, 'one job for the period, whichever instance asked first');
    } finally {
      for (const s of servers) await s.close();
      await pg.stop();
    }
  });
});
