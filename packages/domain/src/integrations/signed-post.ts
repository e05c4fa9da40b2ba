import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { guardedLookup, PreviewRefused } from '../link-preview/fetch-preview.ts';

/** What a webhook target answered (status 0: no answer). */
export interface PostOutcome {
  status: number;
  error: string | null;
  /** The target is not allowed (a private address, not http(s)): retrying cannot help. */
  refused: boolean;
}

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>` (docs/API.md "Integrations"). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver checks (and what the tests check): the signature over timestamp and body, in
 * constant time, and a timestamp inside the replay window (default 5 minutes either way).
 */
export function verifyWebhookSignature(
  secret: string,
  delivery: { timestamp: string | undefined; signature: string | undefined; body: string },
  opts: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const ts = Number(delivery.timestamp);
  if (!Number.isSafeInteger(ts) || !delivery.signature) return false;
  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  if (Math.abs(now - ts) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(webhookSignature(secret, ts, delivery.body));
  const given = Buffer.from(delivery.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * POSTs a signed JSON body under the link-preview address policy: http(s) only, public addresses
 * only (checked on the address connected to, after DNS), no redirects followed, one timeout.
 */
export function postSigned(
  url: string,
  body: string,
  secret: string,
  opts: { allowPrivate: boolean; timeoutMs: number; now?: number },
): Promise<PostOutcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ status: 0, error: 'not a URL', refused: true });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.resolve({ status: 0, error: 'only http and https targets', refused: true });
  }
  const timestamp = Math.floor((opts.now ?? Date.now()) / 1000);
  return new Promise((resolve) => {
    const mod = target.protocol === 'https:' ? https : http;
    const req = mod.request(
      target,
      {
        method: 'POST',
        lookup: guardedLookup(opts.allowPrivate),
        timeout: opts.timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'RosterChirp-Webhook/1.0',
          'x-rosterchirp-timestamp': String(timestamp),
          'x-rosterchirp-signature': webhookSignature(secret, timestamp, body),
        },
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve({ status, error: status >= 200 && status < 300 ? null : `HTTP ${status}`, refused: false });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', (err) =>
      resolve({ status: 0, error: err.message, refused: err instanceof PreviewRefused }),
    );
    req.end(body);
  });
}
