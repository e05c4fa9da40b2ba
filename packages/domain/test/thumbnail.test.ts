import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { makeThumbnail, THUMB_WIDTH } from '../src/thumbnail-service.ts';

describe('thumbnails', () => {
  it('shrinks a large image to a WebP at most 480 px wide, keeping the aspect ratio', async () => {
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#1a73e8' } })
      .png()
      .toBuffer();
    const meta = await sharp(await makeThumbnail(png)).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.width, THUMB_WIDTH);
    assert.equal(meta.height, 320);
  });
  it('never enlarges a small image', async () => {
    const jpg = await sharp({ create: { width: 100, height: 50, channels: 3, background: '#ea4335' } })
      .jpeg()
      .toBuffer();
    const meta = await sharp(await makeThumbnail(jpg)).metadata();
    assert.equal(meta.width, 100);
  });
  it('refuses bytes that are not an image', async () => {
    await assert.rejects(makeThumbnail(Buffer.from('<svg onload=alert(1)>not really a png</svg>')));
  });
});
