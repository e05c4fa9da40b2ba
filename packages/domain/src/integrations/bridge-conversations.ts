import type { TenantDb } from '@rosterchirp/db';
import type { Contact, User } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import type { GroupService } from '../group-service.ts';
import type { MessageService } from '../message-service.ts';
import { createBotUser } from './bot-users.ts';

export type Bridge = 'sms' | 'whatsapp';
const LABEL: Record<Bridge, string> = { sms: 'SMS', whatsapp: 'WhatsApp' };
/** The clientId prefix of relayed messages (idempotent by the provider's id). */
const CLIENT_ID_PREFIX: Record<Bridge, string> = { sms: 'sms', whatsapp: 'wa' };

/**
 * The bridge's bot user (one per bridge and tenant, made on first use): it authors what
 * contacts send, under each contact's name.
 */
export async function bridgeBot(
  stores: Pick<Stores, 'integrations' | 'settings' | 'users'>,
  db: TenantDb,
  bridge: Bridge,
): Promise<User> {
  const key = `integration_${bridge}_bot`;
  const known = (await stores.settings.get(db, key)) as number | null;
  const found = known ? await stores.users.byId(db, known) : null;
  if (found) return found;
  const made = await createBotUser(stores, db, {
    name: LABEL[bridge],
    scopes: ['post'],
    kind: 'bridge',
    createdBy: null,
  });
  const winner = (await stores.settings.setIfAbsent(db, key, made.id)) as number;
  if (winner !== made.id) await stores.integrations.revokeBot(db, made.id, 'bridge');
  return (await stores.users.byId(db, winner))!;
}

/**
 * The conversation of one contact on one bridge: a private group of the workspace's admins
 * (they add whoever else should answer), made on the contact's first message.
 */
export async function bridgeConversation(
  stores: Pick<Stores, 'integrations' | 'settings' | 'users'>,
  groups: GroupService,
  db: TenantDb,
  bridge: Bridge,
  contact: Contact,
): Promise<{ groupId: number; bot: User }> {
  const bot = await bridgeBot(stores, db, bridge);
  const existing = await stores.integrations.conversationOf(db, bridge, contact.id);
  if (existing) return { groupId: existing, bot };
  const admins = await stores.integrations.activeAdminIds(db);
  const { group } = await groups.create(db, bot, {
    type: 'private',
    name: `${LABEL[bridge]} · ${contact.name}`.slice(0, 100),
    memberIds: admins,
  });
  await stores.integrations.linkConversation(db, bridge, contact.id, group.id);
  // Two first messages at once: both made a group, the first link wins and both post there.
  return { groupId: (await stores.integrations.conversationOf(db, bridge, contact.id)) ?? group.id, bot };
}

/**
 * Claims the sending of one of our messages to a bridge: true the first time, and again after a
 * failed try (a retried job); false once it was sent or settled otherwise (never twice).
 */
export async function claimOutbound(
  stores: Pick<Stores, 'integrations'>,
  db: TenantDb,
  bridge: Bridge,
  messageId: number,
): Promise<boolean> {
  const externalId = `out:${messageId}`;
  const claimed = await stores.integrations.claimBridgeMessage(db, {
    bridge,
    externalId,
    direction: 'out',
    messageId,
  });
  return claimed || (await stores.integrations.bridgeMessageStatus(db, bridge, externalId)) === 'failed';
}

/** What a bridge needs to post what its contacts send. */
export interface InboxDeps {
  stores: Pick<Stores, 'integrations' | 'settings' | 'users'>;
  groups: GroupService;
  messages: MessageService;
}

/**
 * An inbound message starts here: claimed by the provider's id (null: seen before, a
 * redelivery to ignore), then its sender's contact, found by phone or added under `name`.
 */
export async function claimInbound(
  stores: Pick<Stores, 'integrations'>,
  db: TenantDb,
  bridge: Bridge,
  from: { externalId: string; phone: string; name: string },
): Promise<Contact | null> {
  const claimed = await stores.integrations.claimBridgeMessage(db, {
    bridge,
    externalId: from.externalId,
    direction: 'in',
    messageId: null,
  });
  if (!claimed) return null;
  return (
    (await stores.integrations.contactByPhone(db, from.phone, bridge)) ??
    (await stores.integrations.insertContact(db, { name: from.name, phones: [from.phone], tags: [] }))
  );
}

/** Posts what a contact sent into their conversation, under their name, and records it. */
export async function postInbound(
  deps: InboxDeps,
  db: TenantDb,
  bridge: Bridge,
  contact: Contact,
  externalId: string,
  text: string,
): Promise<void> {
  const { groupId, bot } = await bridgeConversation(deps.stores, deps.groups, db, bridge, contact);
  const { message } = await deps.messages.send(
    db,
    bot,
    groupId,
    { clientId: `${CLIENT_ID_PREFIX[bridge]}:${externalId}`.slice(0, 64), content: text },
    { name: contact.name, icon: null },
  );
  await deps.stores.integrations.setBridgeMessage(db, bridge, externalId, {
    messageId: message.id,
    status: 'done',
  });
}
