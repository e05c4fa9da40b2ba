import https from 'node:https';
import { Worker } from 'node:worker_threads';
import webpush from 'web-push';

export interface PushKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export interface PushPayload {
  title: string;
  body: string;
  groupId: number | null;
  messageId: number | null;
  url: string;
  tag: string;
  icon: string;
}

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** What became of one push: accepted, gone for good, worth a retry (maybe not before), or refused. */
export type DeliveryOutcome =
  | { kind: 'sent' }
  | { kind: 'gone'; status: number }
  | { kind: 'retry'; error: string; retryAfterSeconds: number | null }
  | { kind: 'refused'; error: string };

/** Push services cap a payload at 4 KB; the body is cut well before. */
const BODY_MAX = 1000;

/** `Retry-After` as seconds: either a number of seconds or an HTTP date. */
export function retryAfterSeconds(header: string | string[] | undefined, now = Date.now()): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** A VAPID JWT is valid up to 24 h; ours last 12 h and are signed again after one. */
const VAPID_VALID_SECONDS = 12 * 3600;
const VAPID_REUSE_MS = 3600_000;

/**
 * Sends encrypted pushes (RFC 8291 aes128gcm, VAPID RFC 8292) through the web-push library. The
 * VAPID header is signed once per push service (audience) and reused for an hour — signing
 * was three quarters of a push's CPU — and connections to push services are kept alive.
 */
export function createWebPushSender(keys: PushKeys) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 64 });
  const vapid = new Map<string, { authorization: string; until: number }>();

  function authorization(endpoint: string): string {
    const audience = new URL(endpoint).origin;
    const cached = vapid.get(audience);
    if (cached && cached.until > Date.now()) return cached.authorization;
    const headers = webpush.getVapidHeaders(
      audience,
      keys.subject,
      keys.publicKey,
      keys.privateKey,
      'aes128gcm',
      Math.floor(Date.now() / 1000) + VAPID_VALID_SECONDS,
    );
    const value = { authorization: headers.Authorization, until: Date.now() + VAPID_REUSE_MS };
    vapid.set(audience, value);
    return value.authorization;
  }

  /**
   * One push. `topic` (RFC 8030 §5.4) lets the push service replace a copy still waiting for an
   * offline device.
   */
  async function send(
    target: PushTarget,
    payload: PushPayload,
    options: { topic?: string; ttlSeconds?: number } = {},
  ): Promise<DeliveryOutcome> {
    const body = {
      ...payload,
      body: payload.body.length > BODY_MAX ? `${payload.body.slice(0, BODY_MAX - 1)}…` : payload.body,
    };
    try {
      await webpush.sendNotification(
        { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
        JSON.stringify(body),
        {
          // Signed here (cached), so the library does not sign each request again.
          vapidDetails: null as unknown as undefined,
          headers: { Authorization: authorization(target.endpoint) },
          TTL: options.ttlSeconds ?? 3600,
          timeout: 10_000,
          contentEncoding: 'aes128gcm',
          agent,
          ...(options.topic ? { topic: options.topic } : {}),
        },
      );
      return { kind: 'sent' };
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      const headers = (err as { headers?: Record<string, string> }).headers ?? {};
      if (status === 404 || status === 410) return { kind: 'gone', status };
      // No status: a network failure or timeout (retry) or a subscription the library cannot use
      // (malformed keys: refused for good).
      const networkFailure =
        status === undefined &&
        ((err as { code?: string }).code !== undefined ||
          /timeout|socket|network/i.test((err as Error).message));
      if (status === undefined && !networkFailure) return { kind: 'refused', error: (err as Error).message };
      if (status === undefined || status === 429 || status >= 500) {
        return {
          kind: 'retry',
          error: status ? `HTTP ${status}` : (err as Error).message,
          retryAfterSeconds: retryAfterSeconds(headers['retry-after']),
        };
      }
      return { kind: 'refused', error: `HTTP ${status}` };
    }
  }

  return { send, close: () => agent.destroy() };
}

export type WebPushSender = ReturnType<typeof createWebPushSender>;

/**
 * The same sender on a thread of its own (web-push-thread.ts): the main thread only posts the
 * target and payload and reads the outcome. A thread that dies is replaced on the next push;
 * the pushes it had in flight count as failures to retry.
 */
export function createThreadedWebPushSender(keys: PushKeys): WebPushSender {
  let worker: Worker | null = null;
  let nextId = 0;
  const waiting = new Map<number, (outcome: DeliveryOutcome) => void>();
  const failAll = (error: string) => {
    for (const resolve of waiting.values()) resolve({ kind: 'retry', error, retryAfterSeconds: null });
    waiting.clear();
  };
  const thread = () => {
    if (worker) return worker;
    const started = new Worker(new URL('./web-push-thread.mjs', import.meta.url), { workerData: { keys } });
    started.unref();
    started.on('message', ({ id, outcome }: { id: number; outcome: DeliveryOutcome }) => {
      waiting.get(id)?.(outcome);
      waiting.delete(id);
    });
    started.on('error', (err) => failAll(`push thread failed: ${err.message}`));
    started.on('exit', () => {
      if (worker === started) worker = null;
      failAll('push thread exited');
    });
    worker = started;
    return started;
  };
  return {
    send: (target, payload, options = {}) =>
      new Promise((resolve) => {
        const id = ++nextId;
        waiting.set(id, resolve);
        thread().postMessage({
          id,
          target: { endpoint: target.endpoint, p256dh: target.p256dh, auth: target.auth },
          payload,
          options,
        });
      }),
    close: () => {
      const current = worker;
      worker = null;
      void current?.terminate();
    },
  };
}
