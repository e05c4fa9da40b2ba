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

/**
 * One encrypted push (RFC 8291 aes128gcm, VAPID RFC 8292) through the web-push library. `topic`
 * (RFC 8030 §5.4) lets the push service replace a copy still waiting for an offline device.
 */
export async function sendWebPush(
  keys: PushKeys,
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
        vapidDetails: { subject: keys.subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
        TTL: options.ttlSeconds ?? 3600,
        timeout: 10_000,
        contentEncoding: 'aes128gcm',
        ...(options.topic ? { topic: options.topic } : {}),
      },
    );
    return { kind: 'sent' };
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    const headers = (err as { headers?: Record<string, string> }).headers ?? {};
    if (status === 404 || status === 410) return { kind: 'gone', status };
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
