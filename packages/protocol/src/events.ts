import { type Static, Type } from '@sinclair/typebox';
import type { Group, Message, TenantAuditEntry } from './entities.ts';
import type { ApiErrorShape } from './errors.ts';
import type { FeatureFlags, Plan } from './host.ts';
import { SendMessageFields } from './routes.ts';
import type { TenantSettings } from './routes-access.ts';

/** Typed realtime events of docs/API.md: socket.io event maps and the plain-WebSocket frames. */
export interface ServerToClientPayloads {
  'message:new': { message: Message };
  'message:updated': { message: Message };
  'message:deleted': { groupId: number; messageId: number; seq: number };
  'reaction:updated': { groupId: number; messageId: number; reactions: Message['reactions']; seq: number };
  'group:updated': { group: Group };
  'group:removed': { groupId: number };
  typing: { groupId: number; userId: number };
  read: { groupId: number; userId: number; messageId: number };
  /**
   * Who came online and who went offline in the last window (PRESENCE_BATCH_MS) on one
   * instance, for the whole tenant; `users:online` gives the full list after (re)connecting.
   */
  'presence:changed': { online: number[]; offline: number[] };
  'session:displaced': Record<string, never>;
  /** This session was ended by someone else or by a rule; the connection closes after this. */
  'session:ended': { reason: SessionEndReason };
  'schedule:changed': { eventId: number };
  /** An admin changed the workspace's settings (the public part; admins fetch the rest). */
  'settings:updated': { settings: TenantSettings };
  /** How far the CSV import this device started has got (rows done of total). */
  'import:progress': { done: number; total: number };
  /** A new line of the tenant's audit log (admins only). */
  'audit:new': { entry: TenantAuditEntry };
  /** The host changed the tenant's plan: show or hide features now. */
  'features:updated': { plan: Plan; features: FeatureFlags };
  /**
   * Broadcasts may have been lost (this instance's fan-out was interrupted): fetch the
   * conversation list and `changes?since=` of every conversation held.
   */
  'sync:required': { reason: 'fanout_interrupted' };
  /** The tenant was suspended or deleted; the connection closes after this. */
  'tenant:closed': { reason: 'suspended' | 'deleted' };
}
export type ServerEventName = keyof ServerToClientPayloads;
export type SessionEndReason =
  | 'suspended'
  | 'deleted'
  | 'password_reset'
  | 'password_changed'
  | 'signed_out_remotely';

export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerToClientPayloads[E]) => void;
};

export const SocketSendPayload = Type.Object(
  { groupId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), ...SendMessageFields },
  { additionalProperties: false },
);
export type SocketSendPayload = Static<typeof SocketSendPayload>;
export type SendAck = { ok: true; message: Message } | { ok: false; error: ApiErrorShape };
export const TypingPayload = Type.Object(
  { groupId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) },
  { additionalProperties: false },
);

/**
 * What the connection shows now: a conversation while the app is visible (repeated every 25 s
 * while it stays so), null when it shows none or is hidden. Pushes skip whoever looks.
 */
export const ViewingPayload = Type.Object(
  { groupId: Type.Union([Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), Type.Null()]) },
  { additionalProperties: false },
);
export type ViewingPayload = Static<typeof ViewingPayload>;

export interface ClientToServerEvents {
  'message:send': (payload: SocketSendPayload, ack: (result: SendAck) => void) => void;
  typing: (payload: { groupId: number }) => void;
  'conversation:viewing': (payload: ViewingPayload) => void;
  'users:online': (payload: Record<string, never>, ack: (result: { userIds: number[] }) => void) => void;
}

/** Frames of `/api/stream`. */
export type StreamServerFrame =
  | { [E in ServerEventName]: { type: E; data: ServerToClientPayloads[E] } }[ServerEventName]
  | { type: 'hello'; data: { userId: number; instance: string } }
  | { type: 'ack'; id: string; data: SendAck }
  | { type: 'pong' }
  | { type: 'error'; data: ApiErrorShape };

export type StreamClientFrame =
  | { type: 'message:send'; id: string; data: SocketSendPayload }
  | { type: 'viewing'; data: ViewingPayload }
  | { type: 'ping' };

export const StreamClientFrameSchema = Type.Union([
  Type.Object({
    type: Type.Literal('message:send'),
    id: Type.String({ minLength: 1, maxLength: 64 }),
    data: SocketSendPayload,
  }),
  Type.Object({ type: Type.Literal('viewing'), data: ViewingPayload }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('ping') }),
]);
