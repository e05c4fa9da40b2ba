import { type Static, Type } from '@sinclair/typebox';

/** Integrations (docs/API.md "Integrations"): bots, webhooks, calls, bridges. */

export const BOT_SCOPES = ['read', 'post'] as const;
export type BotScope = (typeof BOT_SCOPES)[number];
export const OUTGOING_EVENTS = ['message:new', 'mention'] as const;
export type OutgoingEvent = (typeof OUTGOING_EVENTS)[number];

const Name = Type.String({ minLength: 1, maxLength: 80, description: '1 to 80 characters' });
const Id = Type.Integer({ minimum: 1 });

export const CreateBotBody = Type.Object(
  {
    name: Name,
    scopes: Type.Array(Type.Union(BOT_SCOPES.map((s) => Type.Literal(s))), {
      minItems: 1,
      maxItems: 2,
      uniqueItems: true,
      description: 'read, post or both',
    }),
  },
  { additionalProperties: false },
);
export type CreateBotBody = Static<typeof CreateBotBody>;

export const Bot = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  handle: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});
export type Bot = Static<typeof Bot>;

export const CreateIncomingBody = Type.Object({ groupId: Id, name: Name }, { additionalProperties: false });
export type CreateIncomingBody = Static<typeof CreateIncomingBody>;

export const IncomingWebhook = Type.Object({
  id: Type.Integer(),
  groupId: Type.Integer(),
  groupName: Type.Optional(Type.String()),
  name: Type.String(),
  /** Only in the answer that created it: the secret is not kept. */
  url: Type.Optional(Type.String()),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});
export type IncomingWebhook = Static<typeof IncomingWebhook>;

/** Slack's incoming-webhook body; attachments and blocks are reduced to their text. */
export const IncomingHookBody = Type.Object(
  {
    text: Type.Optional(Type.String({ maxLength: 20000 })),
    username: Type.Optional(Type.String({ maxLength: 80 })),
    icon_url: Type.Optional(Type.String({ maxLength: 2000 })),
    icon_emoji: Type.Optional(Type.String({ maxLength: 80 })),
    channel: Type.Optional(Type.String()),
    mrkdwn: Type.Optional(Type.Boolean()),
    attachments: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 100 })),
    blocks: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 100 })),
  },
  { additionalProperties: true },
);
export type IncomingHookBody = Static<typeof IncomingHookBody>;

export const CreateOutgoingBody = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 2000, description: 'an http(s) URL' }),
    events: Type.Array(Type.Union(OUTGOING_EVENTS.map((e) => Type.Literal(e))), {
      minItems: 1,
      maxItems: 2,
      uniqueItems: true,
      description: 'message:new, mention or both',
    }),
    groupIds: Type.Optional(Type.Array(Id, { maxItems: 200, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreateOutgoingBody = Static<typeof CreateOutgoingBody>;

export const OutgoingWebhook = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  groupIds: Type.Union([Type.Array(Type.Integer()), Type.Null()]),
  /** Only in the answer that created it. */
  secret: Type.Optional(Type.String()),
  createdAt: Type.String(),
});
export type OutgoingWebhook = Static<typeof OutgoingWebhook>;

export const WebhookDelivery = Type.Object({
  id: Type.Integer(),
  event: Type.String(),
  messageId: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.String(),
  attempts: Type.Integer(),
  responseStatus: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;

/** What an outgoing webhook POSTs (JSON). */
export interface OutgoingPayload {
  event: OutgoingEvent;
  tenant: string;
  message: {
    id: number;
    groupId: number;
    groupName: string;
    author: { id: number; name: string; handle: string } | null;
    content: string;
    mentions: string[];
    createdAt: string;
  };
  /** For `mention`: the bots named. */
  bots?: string[];
}

export const CallReply = Type.Object({
  url: Type.String(),
  room: Type.String(),
  token: Type.String(),
  /** The call page with this token (LIVEKIT_MEET_URL). */
  joinUrl: Type.String(),
});
export type CallReply = Static<typeof CallReply>;

export const Contact = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  phones: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  smsOptedOut: Type.Boolean(),
  groupId: Type.Union([Type.Integer(), Type.Null()]),
});
export type Contact = Static<typeof Contact>;

const Phone = Type.String({
  pattern: '^\\+[1-9][0-9]{6,14}$',
  description: 'a phone number in E.164 form, like +15551234567',
});
export const ContactBody = Type.Object(
  {
    name: Name,
    phones: Type.Array(Phone, { minItems: 1, maxItems: 5, uniqueItems: true }),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type ContactBody = Static<typeof ContactBody>;

export const SmsSettingsBody = Type.Object(
  {
    accountSid: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$', description: 'AC followed by 32 hex digits' }),
    authToken: Type.String({ minLength: 16, maxLength: 64 }),
    fromNumber: Phone,
  },
  { additionalProperties: false },
);
export type SmsSettingsBody = Static<typeof SmsSettingsBody>;

export const IntegrationsOverview = Type.Object({
  calls: Type.Boolean(),
  sms: Type.Object({
    configured: Type.Boolean(),
    fromNumber: Type.Union([Type.String(), Type.Null()]),
    inboundUrl: Type.String(),
  }),
  whatsapp: Type.Object({
    state: Type.String(),
    qr: Type.Union([Type.String(), Type.Null()]),
    phone: Type.Union([Type.String(), Type.Null()]),
    lastMessageAt: Type.Union([Type.String(), Type.Null()]),
    authRows: Type.Integer(),
  }),
});
export type IntegrationsOverview = Static<typeof IntegrationsOverview>;
