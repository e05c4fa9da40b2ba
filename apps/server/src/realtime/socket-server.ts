import type { EventEmitter } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import type { TenantDb } from '@rosterchirp/db';
import type { Actor, Services } from '@rosterchirp/domain';
import {
  type ClientToServerEvents,
  type ServerToClientEvents,
  SocketSendPayload,
  TypingPayload,
  ViewingPayload,
} from '@rosterchirp/protocol';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { Server } from 'socket.io';
import { clientAddress, type TrustFunction } from '../client-address.ts';
import { failureOf } from '../plugins/error-model.ts';
import { SESSION_COOKIE } from '../plugins/request-context.ts';
import type { RateGuards } from '../rate-limits.ts';
import type { RecentWriters } from '../read-your-writes/index.ts';
import type { TenantResolver } from '../tenant-resolver.ts';
import type { ConnectionCaps } from './connection-caps.ts';
import {
  roomsForConnection,
  sendFromConnection,
  toErrorShape,
  trackPresence,
} from './connection-lifecycle.ts';
import type { PresenceHeartbeats } from './presence-heartbeats.ts';
import { payloadValidator } from './validate-payload.ts';

export interface SocketData {
  db: TenantDb;
  actor: Actor;
  /** The rooms to join on connection (emptied once joined: nothing to keep per connection). */
  rooms: string[];
  /** Frees this connection's place under the per-user and per-address caps. */
  release: () => void;
}

export type RosterSocketServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

function cookieToken(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** socket.io on the upgrades routed to it (see upgrade-router.ts); WebSocket transport only. */
export function createSocketServer(upgrades: EventEmitter, maxPayloadBytes: number): RosterSocketServer {
  const io: RosterSocketServer = new Server({
    path: '/socket.io',
    transports: ['websocket'],
    serveClient: false,
    maxHttpBufferSize: maxPayloadBytes,
    pingInterval: 25_000,
    pingTimeout: 20_000,
  });
  // attach() rather than the constructor: the constructor mistakes a non-http emitter for options.
  io.attach(upgrades as unknown as HttpServer);
  return io;
}

/** Authentication in the handshake, rooms per docs/CLUSTER.md invariant 1, and the client events of docs/API.md. */
export function installSocketHandlers(
  io: RosterSocketServer,
  services: Services,
  rateGuards: RateGuards,
  tenants: TenantResolver,
  log: Logger,
  heartbeats: PresenceHeartbeats,
  caps: ConnectionCaps,
  trust: TrustFunction,
  /** Given when a read replica is configured (a send marks its author). */
  recentWriters: RecentWriters | undefined,
) {
  const validateSend = payloadValidator(SocketSendPayload);
  const validateTyping = payloadValidator(TypingPayload);
  const validateViewing = payloadValidator(ViewingPayload);

  io.use(async (socket, next) => {
    try {
      const db = await tenants.resolve(socket.handshake.headers.host);
      const auth = socket.handshake.auth as { token?: unknown };
      const token =
        typeof auth?.token === 'string' ? auth.token : cookieToken(socket.handshake.headers.cookie);
      const actor = await services.auth.authenticate(db, token);
      if (actor.user.mustChangePassword) return next(new Error('PASSWORD_CHANGE_REQUIRED'));
      if (actor.user.bot && !actor.user.botScopes?.includes('read')) return next(new Error('FORBIDDEN'));
      const release = caps.acquire(`${db.schema}:${actor.user.id}`, clientAddress(socket.request, trust));
      if (!release) {
        const refused = new Error('TOO_MANY_CONNECTIONS') as Error & { data?: unknown };
        refused.data = { code: 'TOO_MANY_CONNECTIONS', message: caps.refusal() };
        return next(refused);
      }
      try {
        // Rooms are computed here and joined synchronously on connection, so no event can slip
        // between the client's "connect" and its catch-up fetch.
        socket.data = { db, actor, rooms: await roomsForConnection(services, db, actor), release };
      } catch (err) {
        release();
        throw err;
      }
      next();
    } catch (err) {
      // A busy or restarting database is UNAVAILABLE (the client retries), never INTERNAL.
      const code = failureOf(err).error.code;
      if (code === 'INTERNAL') log.error({ err }, 'socket handshake failed');
      else if (code === 'UNAVAILABLE')
        log.warn({ err: (err as Error).message }, 'socket handshake: dependency unavailable');
      next(new Error(code));
    }
  });

  io.on('connection', (socket) => {
    const { db, actor } = socket.data;
    socket.join(socket.data.rooms);
    socket.data.rooms = [];
    // The upgrade request was read by the handshake (headers, address); keeping it alive for the
    // connection's lifetime was several KiB per idle connection (socket.io's "memory usage" guide).
    (socket.conn as unknown as { request: unknown }).request = null;
    // A logger naming the socket, made only when there is something to log (a child logger per
    // idle connection was a few hundred bytes each).
    const socketLog = () => log.child({ schema: db.schema, userId: actor.user.id, socketId: socket.id });
    const endPresence = trackPresence(services, heartbeats, db, actor, socket.id, log);
    let viewing = false;
    socket.on('disconnect', () => {
      socket.data.release();
      endPresence();
      if (viewing) void services.viewing.set(db, socket.id, actor.user.id, null).catch(() => undefined);
    });

    socket.on('conversation:viewing', async (payload) => {
      const checked = validateViewing(payload);
      if (!checked.ok) return;
      viewing = checked.value.groupId !== null;
      try {
        await services.viewing.set(db, socket.id, actor.user.id, checked.value.groupId);
      } catch (err) {
        toErrorShape(err, socketLog());
      }
    });
    const typing = { rooms: socket.rooms, throttle: services.typing.throttleState() };

    socket.on('message:send', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const checked = validateSend(payload);
      if (!checked.ok) return ack(checked);
      const result = await sendFromConnection(services, rateGuards, db, actor, checked.value, socketLog);
      if (result.ok) recentWriters?.wrote(db.schema, actor.user.id);
      ack(result);
    });

    socket.on('typing', async (payload) => {
      const checked = validateTyping(payload);
      if (!checked.ok) return;
      try {
        await services.typing.announce(db, actor, typing, checked.value.groupId);
      } catch (err) {
        toErrorShape(err, socketLog());
      }
    });

    socket.on('users:online', async (_payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        ack({ userIds: await services.presence.online(db) });
      } catch (err) {
        toErrorShape(err, socketLog());
        ack({ userIds: [] });
      }
    });
  });
}
