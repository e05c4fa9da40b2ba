import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { it } from 'node:test';
import type { ObjectStorage } from '../src/object-storage.ts';

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** One contract for every ObjectStorage: local disk now, S3 in the cluster issue. */
export function storageContract(name: string, create: () => Promise<ObjectStorage>) {
  const key = (schema: string, ext = 'png') => `${schema}/image/${randomUUID()}.${ext}`;

  it(`${name}: names the origins browsers reach it at, and they include where presigned URLs point`, async () => {
    const s = await create();
    const origins = s.browserOrigins();
    for (const origin of origins) assert.match(origin, /^https?:\/\/[^/]+$/);
    const put = await s.presignPut(key('public'), 'image/png', 10, 60);
    if (put) assert.ok(origins.includes(new URL(put.url).origin), `${put.url} is allowed by ${origins}`);
    else assert.deepEqual(origins, [], 'storage behind the API needs no other origin');
  });

  it(`${name}: stores, reads back byte-exact with its type, deletes`, async () => {
    const s = await create();
    const k = key('public');
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    assert.deepEqual(await s.put(k, bytes, 'image/png'), { size: bytes.length });
    const got = await s.get(k);
    assert.ok(got);
    assert.equal(got.contentType, 'image/png');
    assert.equal(got.size, bytes.length);
    assert.deepEqual(await readAll(got.body), bytes);
    await s.delete(k);
    assert.equal(await s.get(k), null);
    await s.delete(k); // deleting twice is fine
  });

  it(`${name}: streams large bodies`, async () => {
    const s = await create();
    const k = key('public', 'jpg');
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    await s.put(k, Readable.from([big.subarray(0, 1000), big.subarray(1000)]), 'image/jpeg');
    const got = await s.get(k);
    assert.equal((await readAll(got!.body)).length, big.length);
  });

  it(`${name}: deletes many keys at once (more than one S3 batch), missing ones included`, async () => {
    const s = await create();
    const keys = Array.from({ length: 1005 }, () => `tenant_many/image/${randomUUID()}.png`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((k) => s.put(k, Buffer.from('x'), 'image/png')));
    }
    const keep = `tenant_many/image/${randomUUID()}.png`;
    await s.put(keep, Buffer.from('keep'), 'image/png');
    await s.deleteMany([...keys, `tenant_many/image/${randomUUID()}.png`]);
    assert.deepEqual(await s.list('tenant_many/'), [keep]);
    await s.deleteMany([]);
    await s.delete(keep);
  });

  it(`${name}: lists by tenant prefix only`, async () => {
    const s = await create();
    const a = key('tenant_a');
    const b = key('tenant_b');
    await s.put(a, Buffer.from('a'), 'image/png');
    await s.put(b, Buffer.from('b'), 'image/png');
    assert.deepEqual(await s.list('tenant_a/'), [a]);
    assert.deepEqual(await s.list('tenant_b/'), [b]);
    const dated = await s.listWithDates('tenant_a/');
    assert.deepEqual(
      dated.map((o) => o.key),
      [a],
    );
    assert.ok(Math.abs(dated[0]!.lastModified.getTime() - Date.now()) < 60_000, 'written just now');
  });

  it(`${name}: refuses keys outside {schema}/{kind}/{uuid}.{ext}`, async () => {
    const s = await create();
    for (const bad of [
      '../etc/passwd',
      'public/image/x.png',
      'Public/image/00000000-0000-0000-0000-000000000000.png',
    ]) {
      await assert.rejects(s.put(bad, Buffer.from('x'), 'image/png'));
    }
  });
}
