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

/** What a notification about one message says, read in one query. */
export interface MessageForPush {
  id: number;
  groupId: number;
  groupType: 'public' | 'private' | 'direct' | 'managed';
  groupName: string;
  authorId: number | null;
  authorName: string;
  content: string;
  hasImage: boolean;
  mentions: string[];
  deleted: boolean;
  system: boolean;
}

/** A device of someone who may be notified of a message, with what decides whether they are. */
export interface PushCandidate {
  subscriptionId: number;
  userId: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  /** Their level for this conversation, the kind's default when they never chose. */
  level: 'all' | 'mentions' | 'none';
  /** Named by @handle, or the message said @here / @channel. */
  mentioned: boolean;
  preferences: Record<string, unknown>;
  /** Another run claimed this device for this message within the lease (its push may be in flight). */
  held: boolean;
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
  recordError(db: TenantDb, id: number, error: string): Promise<void>;
  /** A subscription the push service says is gone (404/410). */
  drop(db: TenantDb, id: number): Promise<void>;
  messageForPush(db: TenantDb, messageId: number): Promise<MessageForPush | null>;
  /**
   * Devices of the conversation's members (public: everyone who has not left it) but the author,
   * active accounts only, not yet done for this message; `held` when another run claimed one
   * less than `reclaimAfterSeconds` ago.
   */
  candidates(
    db: TenantDb,
    message: Pick<MessageForPush, 'id' | 'groupId' | 'groupType' | 'authorId' | 'mentions'>,
    reclaimAfterSeconds: number,
  ): Promise<PushCandidate[]>;
  /**
   * Takes the right to send this message to these devices (one statement); returns those taken —
   * a device another run claimed less than `reclaimAfterSeconds` ago, or already sent, is not.
   */
  claim(
    db: TenantDb,
    messageId: number,
    subscriptionIds: readonly number[],
    reclaimAfterSeconds: number,
  ): Promise<Set<number>>;
  /** The push service accepted it: never again for this message (one small update per push). */
  markSent(db: TenantDb, messageId: number, subscriptionId: number): Promise<void>;
  /** These devices' last success is now (once per fan-out, for the admins' view). */
  recordSuccesses(db: TenantDb, subscriptionIds: readonly number[]): Promise<void>;
  /** Done without success (the push service refused it for good): never tried again. */
  markDone(db: TenantDb, messageId: number, subscriptionId: number): Promise<void>;
  /** Not sent after all (a failure to retry): the next run may send it. */
  release(db: TenantDb, messageId: number, subscriptionId: number): Promise<void>;
  /** Forgets deliveries older than `hours`. */
  pruneDeliveries(db: TenantDb, hours: number): Promise<number>;
}
