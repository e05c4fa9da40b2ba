import type { TenantDb } from '@rosterchirp/db';
import type { PushKeys } from '@rosterchirp/domain';
import type { SettingsStore } from '@rosterchirp/store';
import webpush from 'web-push';

/**
 * The deployment's VAPID key pair: VAPID_PUBLIC/VAPID_PRIVATE when set, else generated once and
 * kept in the database (like the JWT secret), so every instance signs with the same key and
 * subscriptions survive restarts.
 */
export async function loadOrCreateVapidKeys(
  settings: SettingsStore,
  publicDb: TenantDb,
  config: { vapidPublic: string | undefined; vapidPrivate: string | undefined; subject: string },
): Promise<PushKeys> {
  if (config.vapidPublic && config.vapidPrivate) {
    return { publicKey: config.vapidPublic, privateKey: config.vapidPrivate, subject: config.subject };
  }
  const kept = (await settings.setIfAbsent(publicDb, 'vapid_keys', webpush.generateVAPIDKeys())) as {
    publicKey: string;
    privateKey: string;
  };
  return { publicKey: kept.publicKey, privateKey: kept.privateKey, subject: config.subject };
}
