import { pushApi } from './push-api.ts';

/** base64url (the VAPID key) → the bytes PushManager.subscribe wants. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

const deviceClass = (): 'mobile' | 'desktop' =>
  matchMedia('(hover: none) and (pointer: coarse)').matches ? 'mobile' : 'desktop';

/** Whether this browser can receive Web Push at all (service worker + PushManager). */
export const pushSupported = () => 'serviceWorker' in navigator && 'PushManager' in window;

/** The current subscription of this device, if any. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const reg = await navigator.serviceWorker.ready;
  return reg.pushManager.getSubscription();
}

/**
 * Turns notifications on for this device: asks the permission (only when the person clicks),
 * subscribes through the service worker with the deployment's key, and tells the server.
 * Throws an Error with a sentence for the person when it cannot.
 */
export async function enablePush(): Promise<void> {
  if (!pushSupported()) throw new Error('This browser cannot receive notifications.');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted')
    throw new Error('Notifications are blocked for this site in the browser settings.');
  const { key } = await pushApi.vapidKey();
  const reg = await navigator.serviceWorker.ready;
  let sub: PushSubscription;
  try {
    sub = await reg.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(key) as BufferSource,
    });
  } catch (err) {
    throw new Error(`The browser's push service did not answer: ${(err as Error).message}`);
  }
  await pushApi.subscribe(sub.toJSON(), deviceClass());
}

export async function disablePush(): Promise<void> {
  const sub = await currentSubscription();
  if (!sub) return;
  await pushApi.unsubscribe(sub.endpoint).catch(() => undefined);
  await sub.unsubscribe();
}

/**
 * On each start of a signed-in app: a device that receives notifications tells the server its
 * subscription again (the browser may have rotated it, or the server dropped it), so there is
 * always exactly one current subscription per person and device class. Never asks anything.
 */
export async function refreshPush(): Promise<void> {
  if (!pushSupported() || typeof Notification === 'undefined' || Notification.permission !== 'granted')
    return;
  const sub = await currentSubscription();
  if (sub) await pushApi.subscribe(sub.toJSON(), deviceClass());
}
