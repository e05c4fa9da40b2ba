import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type S3Handle, startS3 } from '@rosterchirp/infra';
import type { CreateUploadReply, Group, Message, User } from '@rosterchirp/protocol';
import { S3Storage } from '@rosterchirp/storage';
import sharp from 'sharp';
import {
  ADMIN,
  api,
  countRows,
  createMember,
  login,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

// A real PNG (the app icon), so the server can make a thumbnail of it.
const PNG = readFileSync(join(process.cwd(), 'apps', 'web', 'public', 'icon-192.png'));

async function put(server: TestServer, token: string, url: string, body: Buffer, contentType: string) {
  const res = await fetch(new URL(url, server.url), {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json().catch(() => null) };
}

async function direct(server: TestServer, token: string, file: Blob, name: string, kind = 'image') {
  const form = new FormData();
  form.set('kind', kind);
  form.set('file', file, name);
  const res = await fetch(`${server.url}/api/uploads/direct`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return {
    status: res.status,
    body: (await res.json()) as { key: string; url: string; error?: { code: string } },
  };
}

for (const backend of ['local disk', 's3'] as const) {
  describe(`uploads on ${backend}`, () => {
    let pg: Awaited<ReturnType<typeof startTestPostgres>>;
    let s3: S3Handle | undefined;
    let server: TestServer;
    let alice: Awaited<ReturnType<typeof createMember>>;
    let bob: Awaited<ReturnType<typeof createMember>>;
    let general: Group;

    before(async () => {
      pg = await startTestPostgres();
      let storage: S3Storage | undefined;
      if (backend === 's3') {
        s3 = await startS3();
        storage = new S3Storage(s3.settings);
      }
      server = await startTestServer(pg, { uploadMaxBytes: 64 * 1024, ...(storage ? { storage } : {}) });
      const admin = await login(server, ADMIN.email, ADMIN.password);
      alice = await createMember(server, admin.token, 'Alice Ant');
      bob = await createMember(server, admin.token, 'Bob Bee');
      general = (await api<{ groups: Group[] }>(server, 'GET', '/api/groups', { token: alice.token })).body
        .groups[0]!;
    });
    after(async () => {
      await server?.close();
      await s3?.stop();
      await pg?.stop();
    });

    it('issue → PUT → image message → anyone in the tenant can read it', async () => {
      const issued = await api<CreateUploadReply>(server, 'POST', '/api/uploads', {
        token: alice.token,
        body: { kind: 'image', contentType: 'image/png', size: PNG.length },
      });
      assert.equal(issued.status, 201);
      assert.match(issued.body.key, /^public\/image\/[0-9a-f-]{36}\.png$/);
      if (backend === 's3') {
        assert.ok(issued.body.uploadUrl.startsWith(s3!.endpoint), 'presigned straight to storage');
        const res = await fetch(issued.body.uploadUrl, {
          method: 'PUT',
          headers: issued.body.headers,
          body: PNG,
        });
        assert.equal(res.status, 200);
      } else {
        assert.equal(issued.body.uploadUrl, `/api/uploads/${issued.body.key}`);
        assert.equal((await put(server, alice.token, issued.body.uploadUrl, PNG, 'image/png')).status, 204);
        const again = await put(server, alice.token, issued.body.uploadUrl, PNG, 'image/png');
        assert.equal(again.status, 409, 'an upload URL works once');
      }
      const sent = await api<{ message: Message }>(server, 'POST', `/api/groups/${general.id}/messages`, {
        token: alice.token,
        body: { clientId: `img-${backend.replace(' ', '-')}`, imageKey: issued.body.key },
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.equal(sent.body.message.imageUrl, `/api/uploads/${issued.body.key}`);
      // The server makes a WebP thumbnail in the background and stores it beside the original.
      const withThumb = await waitFor('thumbnail', async () => {
        const page = await api<{ messages: Message[] }>(server, 'GET', `/api/groups/${general.id}/messages`, {
          token: bob.token,
        });
        return (
          page.body.messages.find((m) => m.id === sent.body.message.id && m.thumbUrl)?.thumbUrl ?? undefined
        );
      });
      const thumb = await fetch(`${server.url}${withThumb}`, {
        headers: { authorization: `Bearer ${bob.token}` },
      });
      assert.equal(thumb.status, 200);
      const head = Buffer.from(await thumb.arrayBuffer())
        .subarray(0, 12)
        .toString('latin1');
      assert.match(head, /^RIFF....WEBP$/s);
      const read = await fetch(`${server.url}/api/uploads/${issued.body.key}`, {
        headers: { authorization: `Bearer ${bob.token}` },
        redirect: 'follow',
      });
      assert.equal(read.status, 200);
      assert.deepEqual(Buffer.from(await read.arrayBuffer()), PNG);
      const anonymous = await fetch(`${server.url}/api/uploads/${issued.body.key}`, { redirect: 'manual' });
      assert.equal(anonymous.status, 401);
    });

    it('refuses bad upload requests and stores nothing', async () => {
      const before = await countRows(server, 'uploads');
      const cases: Array<[unknown, number]> = [
        [{ kind: 'video', contentType: 'image/png', size: 10 }, 400],
        [{ kind: 'image', contentType: 'image/svg+xml', size: 10 }, 400],
        [{ kind: 'image', contentType: 'image/png', size: 0 }, 400],
        [{ kind: 'image', contentType: 'image/png', size: '10' }, 400],
        [{ kind: 'image', contentType: 'image/png', size: 65 * 1024 }, 413],
        [{ kind: 'logo', contentType: 'image/png', size: 10 }, 403],
      ];
      for (const [body, status] of cases) {
        const res = await api(server, 'POST', '/api/uploads', { token: alice.token, body });
        assert.equal(res.status, status, JSON.stringify(body));
      }
      assert.equal(await countRows(server, 'uploads'), before);
    });

    it('an image key must be the sender’s own, stored upload', async () => {
      const issued = await api<CreateUploadReply>(server, 'POST', '/api/uploads', {
        token: alice.token,
        body: { kind: 'image', contentType: 'image/png', size: PNG.length },
      });
      const send = (token: string, key: string, clientId: string) =>
        api(server, 'POST', `/api/groups/${general.id}/messages`, {
          token,
          body: { clientId, imageKey: key },
        });
      assert.equal(
        (await send(alice.token, issued.body.key, 'not-uploaded')).status,
        400,
        'bytes never arrived',
      );
      if (backend === 's3') {
        await fetch(issued.body.uploadUrl, { method: 'PUT', headers: issued.body.headers, body: PNG });
      } else {
        await put(server, alice.token, issued.body.uploadUrl, PNG, 'image/png');
      }
      assert.equal((await send(bob.token, issued.body.key, 'stolen')).status, 400, "someone else's upload");
      assert.equal(
        (await send(alice.token, 'tenant_x/image/00000000-0000-4000-8000-000000000000.png', 'x')).status,
        400,
      );
      assert.equal((await send(alice.token, issued.body.key, 'mine')).status, 201);
    });

    if (backend === 'local disk') {
      it('the API PUT checks owner, type and size', async () => {
        const issued = await api<CreateUploadReply>(server, 'POST', '/api/uploads', {
          token: alice.token,
          body: { kind: 'image', contentType: 'image/png', size: PNG.length },
        });
        assert.equal((await put(server, bob.token, issued.body.uploadUrl, PNG, 'image/png')).status, 404);
        assert.equal((await put(server, alice.token, issued.body.uploadUrl, PNG, 'image/jpeg')).status, 415);
        const tooMany = Buffer.concat([PNG, PNG]);
        assert.equal(
          (await put(server, alice.token, issued.body.uploadUrl, tooMany, 'image/png')).status,
          413,
        );
        const read = await fetch(`${server.url}/api/uploads/${issued.body.key}`, {
          headers: { authorization: `Bearer ${alice.token}` },
        });
        assert.equal(read.status, 404, 'nothing kept of a refused upload');
        assert.equal((await put(server, alice.token, issued.body.uploadUrl, PNG, 'image/png')).status, 204);
      });
    }

    it('multipart upload streams through the server, with type and size checked', async () => {
      const ok = await direct(server, alice.token, new Blob([PNG], { type: 'image/png' }), 'dot.png');
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.match(ok.body.key, /^public\/image\/.*\.png$/);
      const read = await fetch(`${server.url}${ok.body.url}`, {
        headers: { authorization: `Bearer ${bob.token}` },
      });
      assert.deepEqual(Buffer.from(await read.arrayBuffer()), PNG);
      const svg = await direct(server, alice.token, new Blob(['<svg/>'], { type: 'image/svg+xml' }), 'x.svg');
      assert.equal(svg.status, 415);
      const big = await direct(
        server,
        alice.token,
        new Blob([Buffer.alloc(70 * 1024)], { type: 'image/png' }),
        'big.png',
      );
      assert.equal(big.status, 413);
      const badKind = await direct(
        server,
        alice.token,
        new Blob([PNG], { type: 'image/png' }),
        'x.png',
        'video',
      );
      assert.equal(badKind.status, 400);
    });

    it('an avatar is cropped square by the server in two sizes; bad pictures and others’ keys are refused', async () => {
      // A wide picture (3:1): the avatar must come out square, whatever the source.
      const wide = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#3366cc' } })
        .png()
        .toBuffer();
      const up = await direct(
        server,
        alice.token,
        new Blob([wide], { type: 'image/png' }),
        'me.png',
        'avatar',
      );
      assert.equal(up.status, 201, JSON.stringify(up.body));
      const set = await api<{ user: User }>(server, 'PATCH', '/api/me', {
        token: alice.token,
        body: { avatarKey: up.body.key, aboutMe: 'Hello' },
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const url = set.body.user.avatarUrl!;
      assert.match(url, /^\/api\/uploads\/public\/avatar\/[0-9a-f-]{36}\.webp$/);
      assert.equal(set.body.user.aboutMe, 'Hello', 'the rest of the profile saved with it');
      for (const [path, size] of [
        [url, 256],
        [url.replace('/avatar/', '/thumb/'), 64],
      ] as const) {
        const res = await fetch(new URL(path, server.url), {
          headers: { authorization: `Bearer ${bob.token}` },
        });
        assert.equal(res.status, 200, path);
        const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
        assert.deepEqual([meta.format, meta.width, meta.height], ['webp', size, size], path);
      }
      const directory = await api<{ users: User[] }>(server, 'GET', '/api/users?q=Alice', {
        token: bob.token,
      });
      assert.equal(directory.body.users[0]?.avatarUrl, url, 'others see it');

      const notAPicture = await direct(
        server,
        alice.token,
        new Blob([Buffer.from('definitely not a png')], { type: 'image/png' }),
        'fake.png',
        'avatar',
      );
      assert.equal(notAPicture.status, 201, 'the upload itself is only checked for type and size');
      const refused = await api<{ error: { code: string; details: { field: string } } }>(
        server,
        'PATCH',
        '/api/me',
        {
          token: alice.token,
          body: { avatarKey: notAPicture.body.key },
        },
      );
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.details.field, 'avatarKey');
      const others = await api(server, 'PATCH', '/api/me', {
        token: bob.token,
        body: { avatarKey: up.body.key },
      });
      assert.equal(others.status, 400, 'someone else’s upload');
      const imageKind = await direct(server, alice.token, new Blob([wide], { type: 'image/png' }), 'x.png');
      const wrongKind = await api(server, 'PATCH', '/api/me', {
        token: alice.token,
        body: { avatarKey: imageKind.body.key },
      });
      assert.equal(wrongKind.status, 400, 'an upload of another kind');
      const still = await api<{ user: User }>(server, 'GET', '/api/auth/me', { token: alice.token });
      assert.equal(still.body.user.avatarUrl, url, 'refusals changed nothing');

      const cleared = await api<{ user: User }>(server, 'PATCH', '/api/me', {
        token: alice.token,
        body: { avatarKey: null },
      });
      assert.equal(cleared.body.user.avatarUrl, null);
    });

    it('a private group gets a picture from its owner, cropped the same way; members cannot change it', async () => {
      const square = await sharp({ create: { width: 120, height: 200, channels: 3, background: '#cc3366' } })
        .png()
        .toBuffer();
      const room = await api<{ group: Group }>(server, 'POST', '/api/groups', {
        token: alice.token,
        body: { type: 'private', name: 'Pictured', memberIds: [bob.user.id] },
      });
      const gid = room.body.group.id;
      const up = await direct(
        server,
        alice.token,
        new Blob([square], { type: 'image/png' }),
        'g.png',
        'avatar',
      );
      const set = await api<{ group: Group }>(server, 'PATCH', `/api/groups/${gid}`, {
        token: alice.token,
        body: { avatarKey: up.body.key },
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.match(set.body.group.avatarUrl ?? '', /^\/api\/uploads\/public\/avatar\/[0-9a-f-]{36}\.webp$/);
      const res = await fetch(new URL(set.body.group.avatarUrl!, server.url), {
        headers: { authorization: `Bearer ${bob.token}` },
      });
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      assert.deepEqual([meta.width, meta.height], [256, 256]);
      const byMember = await direct(
        server,
        bob.token,
        new Blob([square], { type: 'image/png' }),
        'b.png',
        'avatar',
      );
      const refused = await api(server, 'PATCH', `/api/groups/${gid}`, {
        token: bob.token,
        body: { avatarKey: byMember.body.key },
      });
      assert.equal(refused.status, 403);
      const cleared = await api<{ group: Group }>(server, 'PATCH', `/api/groups/${gid}`, {
        token: alice.token,
        body: { avatarKey: null },
      });
      assert.equal(cleared.body.group.avatarUrl, null);
    });

    it('reading keys of another tenant or malformed keys answers 404', async () => {
      for (const key of [
        'tenant_x/image/00000000-0000-4000-8000-000000000000.png',
        'public/image/nope.png',
      ]) {
        const res = await fetch(`${server.url}/api/uploads/${key}`, {
          headers: { authorization: `Bearer ${alice.token}` },
        });
        assert.equal(res.status, 404, key);
      }
    });
  });
}
