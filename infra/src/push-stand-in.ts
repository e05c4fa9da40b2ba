import { createECDH, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';
import { LOOPBACK_CERT_ENV } from './loopback-cert.ts';

export interface ReceivedPush {
  subscriptionId: string;
  /** The decrypted body, parsed. */
  payload: Record<string, unknown>;
  /** The VAPID JWT's signature checked with the key it names, and its audience and expiry. */
  vapidValid: boolean;
  vapidKey: string;
  subject: string;
  ttl: number;
  /** RFC 8030 Topic header (replaces an undelivered push with the same topic). */
  topic: string | undefined;
  at: number;
}

/** Every request answered, in order: what each subscription was told. */
export interface PushAttempt {
  subscriptionId: string;
  status: number;
  at: number;
}

export interface StandInSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

const b64u = (b: Buffer) => b.toString('base64url');

/** Checks an ES256 JWT with a raw (uncompressed, 65-byte) P-256 public key. */
function verifyVapid(jwt: string, rawKey: string, audience: string): { ok: boolean; sub: string } {
  const [head, body, sig] = jwt.split('.');
  if (!head || !body || !sig) return { ok: false, sub: '' };
  const raw = Buffer.from(rawKey, 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33, 65)) },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(sig, 'base64url'),
  );
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
    aud?: string;
    exp?: number;
    sub?: string;
  };
  const fresh = typeof claims.exp === 'number' && claims.exp > Date.now() / 1000;
  return { ok: signed && claims.aud === audience && fresh && Boolean(claims.sub), sub: claims.sub ?? '' };
}

/**
 * A local Web Push service (RFC 8030) for tests: HTTPS on 127.0.0.1 with the test world's
 * certificate, subscriptions with real P-256 keys, every POST's VAPID JWT verified (RFC 8292)
 * and its aes128gcm body decrypted (RFC 8291) — the whole path with real cryptography.
 * A subscription can be marked gone (410), made to fail its next requests (e.g. 503 with
 * Retry-After), and the whole service can hold requests unanswered — a push counts as received
 * only when its 201 is written to a client still connected (a sender killed mid-request never
 * learnt of its success, and neither does this service count it).
 */
export async function startPushStandIn() {
  const certFile = process.env[LOOPBACK_CERT_ENV];
  if (!certFile) throw new Error(`${LOOPBACK_CERT_ENV} is not set: run under infra/src/test-world-cli.ts`);
  const subs = new Map<
    string,
    {
      ecdh: ReturnType<typeof createECDH>;
      auth: Buffer;
      gone: boolean;
      failures: Array<{ status: number; retryAfter?: string }>;
    }
  >();
  const received: ReceivedPush[] = [];
  const attempts: PushAttempt[] = [];
  let holding = false;
  const parked: Array<() => void> = [];
  const answer = (id: string, res: import('node:http').ServerResponse, status: number, headers = {}) => {
    attempts.push({ subscriptionId: id, status, at: Date.now() });
    res.writeHead(status, headers).end();
  };
  const server = createServer(
    { cert: readFileSync(certFile), key: readFileSync(certFile.replace('cert.pem', 'key.pem')) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1];
        const sub = id ? subs.get(id) : undefined;
        if (req.method !== 'POST' || !id || !sub) return void res.writeHead(404).end();
        if (sub.gone) return void answer(id, res, 410);
        const failure = sub.failures.shift();
        if (failure) {
          return void answer(
            id,
            res,
            failure.status,
            failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
          );
        }
        const auth = /^vapid t=([^,\s]+),\s*k=([^,\s]+)$/.exec(req.headers.authorization ?? '');
        const vapid = auth
          ? verifyVapid(auth[1]!, auth[2]!, `https://127.0.0.1:${port}`)
          : { ok: false, sub: '' };
        try {
          const plain = ece.decrypt(Buffer.concat(chunks), {
            version: 'aes128gcm',
            privateKey: sub.ecdh,
            authSecret: sub.auth,
          }) as Buffer;
          const push: ReceivedPush = {
            subscriptionId: id,
            payload: JSON.parse(plain.toString('utf8')) as Record<string, unknown>,
            vapidValid: vapid.ok && req.headers['content-encoding'] === 'aes128gcm',
            vapidKey: auth?.[2] ?? '',
            subject: vapid.sub,
            ttl: Number(req.headers.ttl),
            topic: req.headers.topic as string | undefined,
            at: 0,
          };
          const accept = () => {
            if (res.destroyed || req.socket.destroyed) return; // the sender is gone: not delivered
            push.at = Date.now();
            received.push(push);
            answer(id, res, 201);
          };
          if (holding) parked.push(accept);
          else accept();
        } catch {
          answer(id, res, 400);
        }
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    received,
    /** A browser's subscription to this service: endpoint and its public keys. */
    subscribe(): StandInSubscription {
      const id = randomUUID();
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      subs.set(id, { ecdh, auth, gone: false, failures: [] });
      return {
        id,
        endpoint: `https://127.0.0.1:${port}/push/${id}`,
        keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) },
      };
    },
    /** The service forgets this subscription (answers 410 from now on). */
    expire(id: string) {
      const sub = subs.get(id);
      if (sub) sub.gone = true;
    },
    attempts,
    /** The next `count` requests to this subscription are answered `status` (and Retry-After). */
    failNext(id: string, count: number, status: number, retryAfter?: string) {
      const sub = subs.get(id);
      for (let i = 0; sub && i < count; i++)
        sub.failures.push({ status, ...(retryAfter ? { retryAfter } : {}) });
    },
    /** From now on requests wait unanswered until release(). */
    hold() {
      holding = true;
    },
    /** Requests waiting now. */
    held: () => parked.length,
    /** Answers every waiting request whose sender is still there, and stops holding. */
    release() {
      holding = false;
      for (const accept of parked.splice(0)) accept();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type PushStandIn = Awaited<ReturnType<typeof startPushStandIn>>;
