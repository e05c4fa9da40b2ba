import type { TenantDb } from '@rosterchirp/db';
import type { Device } from '@rosterchirp/protocol';

export interface PushSubscriptionRow {
  id: number;
  userId: number;
  device: Device;
  endpoint: string;
  p256dh: string;
  auth: string;
  createdAt: Date;
  lastSuccessAt: Date | null;
  lastError: string | null;
}

/** Web Push subscriptions of a tenant's people. */
export interface PushStore {
  /** Keeps one per person per device class: the new one replaces theirs (and any row of that endpoint). */
  upsert(
    db: TenantDb,
    sub: { userId: number; device: Device; endpoint: string; p256dh: string; auth: string },
  ): Promise<void>;
  remove(db: TenantDb, userId: number, endpoint: string): Promise<boolean>;
  forUser(db: TenantDb, userId: number): Promise<PushSubscriptionRow[]>;
  all(db: TenantDb): Promise<PushSubscriptionRow[]>;
  recordSuccess(db: TenantDb, id: number): Promise<void>;
  recordError(db: TenantDb, id: number, error: string): Promise<void>;
  /** A subscription the push service says is gone (404/410). */
  drop(db: TenantDb, id: number): Promise<void>;
}
