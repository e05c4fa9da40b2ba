import type { TenantDb } from '@rosterchirp/db';
import type { Actor, Services } from '@rosterchirp/domain';
import type { ApiErrorShape, SendAck, SocketSendPayload } from '@rosterchirp/protocol';
import { rooms } from '@rosterchirp/protocol';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { assertBotMay } from '../plugins/bot-scopes.ts';
import { failureOf } from '../plugins/error-model.ts';
import type { RateGuards } from '../rate-limits.ts';
import type { PresenceHeartbeats } from './presence-heartbeats.ts';

/** What socket.io and `/api/stream` connections share: rooms, presence, and message sends. */

export async function roomsForConnection(services: Services, db: TenantDb, actor: Actor): Promise<string[]> {
  return [
    rooms.tenant(db.schema),
    rooms.user(db.schema, actor.user.id),
    rooms.session(db.schema, actor.sessionId),
    ...(actor.user.role === 'admin' ? [rooms.admins(db.schema)] : []),
    ...(actor.user.role !== 'member' ? [rooms.staff(db.schema)] : []),
    ...(await services.groups.memberRooms(db, actor.user.id)),
  ];
}

/** Registers the connection in presence and keeps it alive; returns the function that ends it. */
export function trackPresence(
  services: Services,
  heartbeats: PresenceHeartbeats,
  db: TenantDb,
  actor: Actor,
  connectionId: string,
  log: Logger,
) {
  const userId = actor.user.id;
  const schema = db.schema;
  const fail = (what: string) => (err: unknown) => log.error({ err, schema, userId, connectionId }, what);
  // Bots are never shown online (docs/INTEGRATIONS.md): their connections skip presence.
  if (actor.user.bot) return () => undefined;
  // "Last seen" of the session in the sessions list; not worth delaying the connection for.
  void services.auth.touchSession(db, actor.sessionId).catch(fail('session touch failed'));
  void services.presence.connected(db, userId, connectionId).catch(fail('presence connect failed'));
  heartbeats.add({ schema: db.schema, userId, connectionId });
  return () => {
    heartbeats.remove(connectionId);
    void services.presence.disconnected(db, userId, connectionId).catch(fail('presence disconnect failed'));
  };
}

export function toErrorShape(err: unknown, log: Logger): ApiErrorShape {
  const failure = failureOf(err);
  if (failure.severity === 'unavailable') log.warn({ err }, 'realtime handler: dependency unavailable');
  if (failure.severity === 'bug') log.error({ err }, 'realtime handler failed');
  return failure.error;
}

export async function sendFromConnection(
  services: Services,
  rateGuards: RateGuards,
  db: TenantDb,
  actor: Actor,
  payload: SocketSendPayload,
  /** Made only when a failure is logged. */
  log: () => Logger,
): Promise<SendAck> {
  try {
    assertBotMay(actor, 'post');
    await rateGuards.send(db.schema, actor.user.id);
    const { groupId, ...body } = payload;
    const { message } = await services.messages.send(db, actor.user, groupId, body);
    return { ok: true, message };
  } catch (err) {
    return { ok: false, error: toErrorShape(err, log()) };
  }
}
