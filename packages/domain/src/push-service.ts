import { lookup } from 'node:dns/promises';
import type { TenantDb } from '@rosterchirp/db';
import type { Stores } from '@rosterchirp/store';
import { invalid, notFound } from './app-error.ts';
import type { Actor, DomainLogger } from './context.ts';
import { isPublicAddress } from './link-preview/address-policy.ts';
import type { PushKeys, PushPayload, WebPushSender } from './notifications/web-push-delivery.ts';

export type { PushKeys, PushPayload };

/**
 * Web Push (RFC 8030/8291/8292) through the web-push library: VAPID keys shared by every
 * instance, one subscription per person per device class, endpoints only on https and public
 * addresses (the link-preview address policy) unless allowed for tests. Gone subscriptions
 * (404/410) are deleted; every delivery's outcome is kept for the admins' debug view.
 */
export function createPushService(deps: {
  stores: Pick<Stores, 'push'>;
  keys: PushKeys;
  sender: WebPushSender;
  allowPrivateEndpoints: boolean;
  log: DomainLogger;
}) {
  const { push } = deps.stores;

  async function checkEndpoint(endpoint: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw invalid('subscription.endpoint', 'The push endpoint is not a URL');
    }
    if (url.protocol !== 'https:') throw invalid('subscription.endpoint', 'The push endpoint must use https');
    if (deps.allowPrivateEndpoints) return;
    const addresses = await lookup(url.hostname, { all: true }).catch(() => []);
    if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) {
      throw invalid('subscription.endpoint', 'The push endpoint must be on a public address');
    }
  }

  /** Sends one payload to one subscription; true when it was accepted. */
  async function deliver(
    db: TenantDb,
    sub: { id: number; endpoint: string; p256dh: string; auth: string },
    payload: PushPayload,
  ): Promise<boolean> {
    const outcome = await deps.sender.send(sub, payload);
    if (outcome.kind === 'sent') await push.recordSuccesses(db, [sub.id]);
    else if (outcome.kind === 'gone') await push.drop(db, sub.id);
    else await push.recordError(db, sub.id, outcome.error);
    if (outcome.kind !== 'sent') deps.log.warn({ outcome }, 'test push not delivered');
    return outcome.kind === 'sent';
  }

  return {
    publicKey: () => deps.keys.publicKey,

    async subscribe(
      db: TenantDb,
      actor: Actor,
      body: {
        subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
        device?: 'mobile' | 'desktop';
      },
    ): Promise<void> {
      await checkEndpoint(body.subscription.endpoint);
      await push.upsert(db, {
        userId: actor.user.id,
        device: body.device ?? 'desktop',
        endpoint: body.subscription.endpoint,
        p256dh: body.subscription.keys.p256dh,
        auth: body.subscription.keys.auth,
      });
    },

    async unsubscribe(db: TenantDb, actor: Actor, endpoint: string): Promise<void> {
      if (!(await push.remove(db, actor.user.id, endpoint))) throw notFound('Subscription');
    },

    async list(db: TenantDb) {
      return (await push.all(db)).map((s) => ({
        userId: s.userId,
        device: s.device,
        endpointHost: new URL(s.endpoint).host,
        createdAt: s.createdAt.toISOString(),
        lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null,
        lastError: s.lastError,
      }));
    },

    /** "Send me a test": to each of the caller's devices; how many accepted it. */
    async sendTest(db: TenantDb, actor: Actor, appName: string): Promise<number> {
      const subs = await push.forUser(db, actor.user.id);
      const results = await Promise.all(
        subs.map((s) =>
          deliver(db, s, {
            title: appName,
            body: 'Notifications reach this device.',
            groupId: null,
            messageId: null,
            url: '/',
            tag: 'test',
            icon: '/icon-192.png',
          }),
        ),
      );
      return results.filter(Boolean).length;
    },
  };
}

export type PushService = ReturnType<typeof createPushService>;
