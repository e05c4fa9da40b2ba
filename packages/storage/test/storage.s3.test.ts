import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type S3Handle, startS3 } from '@rosterchirp/infra';
import { newObjectKey } from '../src/object-storage.ts';
import { S3Storage } from '../src/storage.s3.ts';
import { storageContract } from './storage.contract.ts';

describe('S3Storage (s3rver)', () => {
  let s3: S3Handle;
  const settings = () => s3.settings;
  before(async () => {
    s3 = await startS3();
  });
  after(async () => {
    await s3?.stop();
  });

  storageContract('s3', async () => new S3Storage(settings()));

  it('s3: a browser-style PUT to the presigned URL stores the exact bytes; a signed GET reads them', async () => {
    const storage = new S3Storage(settings());
    const key = newObjectKey('public', 'image', 'image/png');
    const bytes = Buffer.from('presigned-png-bytes');
    const put = await storage.presignPut(key, 'image/png', bytes.length, 60);
    const res = await fetch(put.url, { method: 'PUT', headers: put.headers, body: bytes });
    assert.equal(res.status, 200, await res.text());
    const url = await storage.readUrl(key, 60);
    const got = await fetch(url);
    assert.equal(got.status, 200);
    assert.deepEqual(
      Buffer.from(await got.arrayBuffer()),
      bytes,
      'no aws-chunked framing in the stored object',
    );
  });

  it('s3: a public base URL is used as is when configured', async () => {
    const storage = new S3Storage({ ...settings(), publicUrl: 'https://cdn.example.test/' });
    assert.equal(
      await storage.readUrl('public/image/00000000-0000-4000-8000-000000000000.png', 60),
      'https://cdn.example.test/public/image/00000000-0000-4000-8000-000000000000.png',
    );
  });
});
