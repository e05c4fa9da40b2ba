import { lookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress } from './address-policy.ts';
import { extractMeta, type PageMeta } from './extract-meta.ts';

export interface PreviewLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Tests only: allow loopback/private targets (a local HTTP server). Never in production. */
  allowPrivate: boolean;
}

export const DEFAULT_PREVIEW_LIMITS: PreviewLimits = {
  timeoutMs: 3000,
  maxBytes: 512 * 1024,
  maxRedirects: 3,
  allowPrivate: false,
};

export class PreviewRefused extends Error {}

/** DNS lookup that refuses non-public answers: the check happens on the address we connect to. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as Array<{ address: string; family: number }>;
      const ok = list.find((a) => allowPrivate || isPublicAddress(a.address));
      if (!ok) return callback(new PreviewRefused(`${hostname} resolves to a private address`), '', 0);
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [ok]);
      } else {
        callback(null, ok.address, ok.family);
      }
    });
  };
}

function getOnce(url: URL, limits: PreviewLimits, signal: AbortSignal) {
  return new Promise<{ status: number; location?: string; contentType: string; body: string }>(
    (resolve, reject) => {
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.get(
        url,
        {
          lookup: guardedLookup(limits.allowPrivate),
          headers: { 'user-agent': 'RosterChirp-LinkPreview/1.0', accept: 'text/html,application/xhtml+xml' },
          signal,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const contentType = String(res.headers['content-type'] ?? '');
          if (status >= 300 && status < 400) {
            res.resume();
            return resolve({ status, location: res.headers.location ?? '', contentType, body: '' });
          }
          if (status !== 200 || !/^text\/html|^application\/xhtml\+xml/i.test(contentType)) {
            res.resume();
            return resolve({ status, contentType, body: '' });
          }
          let size = 0;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            size += c.length;
            chunks.push(c);
            if (size >= limits.maxBytes) res.destroy(); // enough to read the head
          });
          const done = () => resolve({ status, contentType, body: Buffer.concat(chunks).toString('utf8') });
          res.on('end', done);
          res.on('close', done);
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    },
  );
}

/**
 * Fetches a page's preview under strict limits: http(s) only, public addresses only (checked
 * after DNS, for every redirect hop), HTML only, at most maxBytes read, one overall timeout.
 * Returns null when there is nothing to show; throws PreviewRefused for forbidden targets.
 */
export async function fetchPreview(
  rawUrl: string,
  limits: PreviewLimits = DEFAULT_PREVIEW_LIMITS,
): Promise<PageMeta | null> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let url = new URL(rawUrl);
  for (let hop = 0; hop <= limits.maxRedirects; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new PreviewRefused(`scheme ${url.protocol}`);
    if (url.username || url.password) throw new PreviewRefused('credentials in URL');
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (!limits.allowPrivate && /^[\d.]+$|:/.test(literal) && !isPublicAddress(literal)) {
      throw new PreviewRefused(`${literal} is not a public address`);
    }
    const res = await getOnce(url, limits, signal);
    if (res.location !== undefined) {
      url = new URL(res.location, url);
      continue;
    }
    if (!res.body) return null;
    const meta = extractMeta(res.body, url.toString());
    return meta.title || meta.description ? meta : null;
  }
  throw new PreviewRefused('too many redirects');
}
