import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isPublicAddress } from '../src/link-preview/address-policy.ts';
import { extractMeta, firstUrl } from '../src/link-preview/extract-meta.ts';
import { DEFAULT_PREVIEW_LIMITS, fetchPreview, PreviewRefused } from '../src/link-preview/fetch-preview.ts';

describe('link preview address policy', () => {
  it('refuses loopback, private, link-local, CGNAT, multicast, mapped and unspecified addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      assert.equal(isPublicAddress(a), false, a);
    }
    for (const a of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      assert.equal(isPublicAddress(a), true, a);
    assert.equal(isPublicAddress('not-an-ip'), false);
  });
});

describe('page metadata', () => {
  it('prefers OpenGraph, falls back to <title>/description, resolves the image URL, decodes entities', () => {
    const html = `<html><head><title>Plain &amp; simple</title><meta name="description" content="Desc &quot;here&quot;">
      <meta property="og:image" content="/img/cover.png"></head></html>`;
    assert.deepEqual(extractMeta(html, 'https://example.com/a/b'), {
      title: 'Plain & simple',
      description: 'Desc "here"',
      image: 'https://example.com/img/cover.png',
    });
    const og = `<meta content='OG title' property='og:title'><meta property="og:image" content="javascript:alert(1)">`;
    assert.deepEqual(extractMeta(og, 'https://example.com/'), {
      title: 'OG title',
      description: null,
      image: null,
    });
  });
  it('finds the first URL without trailing punctuation', () => {
    assert.equal(firstUrl('see https://example.com/x?a=1. and http://b.test'), 'https://example.com/x?a=1');
    assert.equal(firstUrl('(https://example.com/path)'), 'https://example.com/path');
    assert.equal(firstUrl('no links, ftp://x.test'), null);
  });
});

describe('fetchPreview against a local server', () => {
  let server: Server;
  let base: string;
  const allow = { ...DEFAULT_PREVIEW_LIMITS, allowPrivate: true, timeoutMs: 1000 };
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/page') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<title>Team page</title><meta name="description" content="All about us">');
      } else if (req.url === '/json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"title":"no"}');
      } else if (req.url === '/to-file') {
        res.writeHead(302, { location: 'file:///etc/passwd' });
        res.end();
      } else if (req.url === '/loop') {
        res.writeHead(302, { location: '/loop' });
        res.end();
      } else if (req.url === '/hop') {
        res.writeHead(301, { location: '/page' });
        res.end();
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('<title>late</title>'), 3000);
      } else if (req.url === '/huge') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<title>Big</title>');
        const chunk = 'x'.repeat(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 50 && res.write(chunk)) sent++;
          if (sent < 50) res.once('drain', pump);
          else res.end();
        };
        pump();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reads title and description, following a redirect', async () => {
    assert.deepEqual(await fetchPreview(`${base}/page`, allow), {
      title: 'Team page',
      description: 'All about us',
      image: null,
    });
    assert.equal((await fetchPreview(`${base}/hop`, allow))?.title, 'Team page');
  });
  it('refuses private targets by default: literal IPs, names that resolve to them, encoded forms', async () => {
    const port = base.split(':').pop();
    for (const url of [
      `${base}/page`,
      `http://localhost:${port}/page`,
      `http://[::1]:${port}/page`,
      `http://2130706433:${port}/page`,
      `http://0x7f.1:${port}/page`,
    ]) {
      await assert.rejects(fetchPreview(url), PreviewRefused, url);
    }
  });
  it('shows nothing for non-HTML, refuses other schemes and redirect loops, stops on time and size', async () => {
    assert.equal(await fetchPreview(`${base}/json`, allow), null);
    await assert.rejects(fetchPreview(`${base}/to-file`, allow), PreviewRefused);
    await assert.rejects(fetchPreview(`${base}/loop`, allow), /too many redirects/);
    await assert.rejects(fetchPreview(`${base}/slow`, allow), /abort|timeout/i);
    const started = Date.now();
    assert.equal((await fetchPreview(`${base}/huge`, allow))?.title, 'Big');
    assert.ok(Date.now() - started < 1000);
  });
});
