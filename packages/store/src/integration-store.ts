import type { TenantDb } from '@rosterchirp/db';
import type {
  Bot,
  Contact,
  IncomingWebhook,
  OutgoingWebhook,
  User,
  WebhookDelivery,
} from '@rosterchirp/protocol';

export type BotKind = 'token' | 'webhook' | 'bridge';

/** An incoming webhook found by its secret: where it posts, as whom. */
export interface IncomingTarget {
  id: number;
  groupId: number;
  botUserId: number;
  name: string;
}

/** An outgoing webhook as its delivery job needs it. */
export interface OutgoingTarget {
  id: number;
  url: string;
  events: string[];
  groupIds: number[] | null;
  secret: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'refused';

/** Bots, webhooks, contacts and bridge bookkeeping of one tenant (docs/INTEGRATIONS.md). */
export interface IntegrationStore {
  /** A bot user (not a seat, not in the directory) and its row in `bots`. */
  insertBot(
    db: TenantDb,
    bot: {
      name: string;
      handle: string;
      email: string;
      scopes: string[];
      kind: BotKind;
      createdBy: number | null;
    },
  ): Promise<User>;
  listBots(db: TenantDb, kind: BotKind): Promise<Bot[]>;
  botById(db: TenantDb, userId: number): Promise<Bot | null>;
  /** Marks it revoked and suspends its user (its sessions end with it); false if unknown or done. */
  revokeBot(db: TenantDb, userId: number, kind: BotKind): Promise<boolean>;

  insertIncoming(
    db: TenantDb,
    hook: { groupId: number; name: string; secretHash: string; botUserId: number; createdBy: number },
  ): Promise<IncomingWebhook>;
  listIncoming(db: TenantDb): Promise<IncomingWebhook[]>;
  incomingBySecret(db: TenantDb, secretHash: string): Promise<IncomingTarget | null>;
  touchIncoming(db: TenantDb, id: number): Promise<void>;
  /** Revokes it and returns its bot user's id (null: unknown or already revoked). */
  revokeIncoming(db: TenantDb, id: number): Promise<number | null>;

  insertOutgoing(
    db: TenantDb,
    hook: { url: string; events: string[]; groupIds: number[] | null; secret: string; createdBy: number },
  ): Promise<OutgoingWebhook>;
  listOutgoing(db: TenantDb): Promise<OutgoingWebhook[]>;
  outgoingById(db: TenantDb, id: number): Promise<OutgoingTarget | null>;
  revokeOutgoing(db: TenantDb, id: number): Promise<boolean>;
  /** Whether any outgoing webhook or bridged conversation exists (asked before queueing work for a message). */
  hasRelays(db: TenantDb): Promise<boolean>;
  /** Live webhooks that listen to this conversation (all of them, or it by name), any event. */
  outgoingFor(db: TenantDb, groupId: number): Promise<OutgoingTarget[]>;
  conversationName(db: TenantDb, groupId: number): Promise<string | null>;
  /** Whether a system line naming `marker` is among the conversation's last 200 messages, newer than `withinMs`. */
  recentSystemLine(db: TenantDb, groupId: number, marker: string, withinMs: number): Promise<boolean>;
  /** One row per webhook, event and message (a redone job finds the rows it made). */
  openDeliveries(
    db: TenantDb,
    rows: Array<{ webhookId: number; event: string; messageId: number }>,
  ): Promise<Array<{ id: number; webhookId: number; event: string; status: DeliveryStatus }>>;
  recordAttempt(
    db: TenantDb,
    id: number,
    outcome: { status: DeliveryStatus; responseStatus: number | null; error: string | null },
  ): Promise<void>;
  deliveries(db: TenantDb, webhookId: number, limit: number): Promise<WebhookDelivery[]>;
  /** Bot handles among these (for `mention` events). */
  botHandles(db: TenantDb, handles: readonly string[]): Promise<string[]>;

  insertContact(db: TenantDb, contact: { name: string; phones: string[]; tags: string[] }): Promise<Contact>;
  updateContact(
    db: TenantDb,
    id: number,
    contact: { name: string; phones: string[]; tags: string[] },
  ): Promise<Contact | null>;
  deleteContact(db: TenantDb, id: number): Promise<boolean>;
  listContacts(db: TenantDb, bridge: 'sms' | 'whatsapp'): Promise<Contact[]>;
  contactByPhone(db: TenantDb, phone: string, bridge: 'sms' | 'whatsapp'): Promise<Contact | null>;
  setSmsOptOut(db: TenantDb, contactId: number, optedOut: boolean): Promise<void>;
  activeAdminIds(db: TenantDb): Promise<number[]>;
  conversationOf(db: TenantDb, bridge: 'sms' | 'whatsapp', contactId: number): Promise<number | null>;
  linkConversation(
    db: TenantDb,
    bridge: 'sms' | 'whatsapp',
    contactId: number,
    groupId: number,
  ): Promise<void>;
  /** The contact a bridged conversation talks to. */
  contactOfConversation(
    db: TenantDb,
    groupId: number,
  ): Promise<{ bridge: 'sms' | 'whatsapp'; contact: Contact } | null>;
  /** Claims a provider message id; false when it was seen before (a redelivery). */
  claimBridgeMessage(
    db: TenantDb,
    row: { bridge: string; externalId: string; direction: 'in' | 'out'; messageId: number | null },
  ): Promise<boolean>;
  setBridgeMessage(
    db: TenantDb,
    bridge: string,
    externalId: string,
    change: { messageId?: number | null; status?: string; error?: string | null },
  ): Promise<void>;
  bridgeMessageStatus(db: TenantDb, bridge: string, externalId: string): Promise<string | null>;
  lastBridgeMessageAt(db: TenantDb, bridge: string): Promise<Date | null>;
}

/** Two contacts share a phone number. */
export class PhoneTaken extends Error {
  constructor(readonly phone: string) {
    super(`phone ${phone} taken`);
    this.name = 'PhoneTaken';
  }
}
