import { call } from '../../lib/http.ts';

/** Web Push: the deployment's key, this device's subscription, a test, the admins' view. */
export const pushApi = {
  vapidKey: () => call<{ key: string }>('GET', '/api/push/vapid-public-key'),
  subscribe: (subscription: PushSubscriptionJSON, device: 'mobile' | 'desktop') =>
    call<void>('POST', '/api/push/subscriptions', {
      subscription: { endpoint: subscription.endpoint, keys: subscription.keys },
      device,
    }),
  unsubscribe: (endpoint: string) => call<void>('DELETE', '/api/push/subscriptions', { endpoint }),
  test: () => call<void>('POST', '/api/push/test'),
  list: () =>
    call<{
      subscriptions: Array<{
        userId: number;
        device: string;
        endpointHost: string;
        createdAt: string;
        lastSuccessAt: string | null;
        lastError: string | null;
      }>;
    }>('GET', '/api/push/subscriptions'),
};
