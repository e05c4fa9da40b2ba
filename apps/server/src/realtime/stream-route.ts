import type { ServerResponse } from 'node:http';
import type { TenantDb } from '@rosterchirp/db';
import type { Actor } from '@rosterchirp/domain';
import { AppError, type Services } from '@rosterchirp/domain';
import { StreamClientFrameSchema, type StreamServerFrame } from '@rosterchirp/protocol';
import { bridgeStream } from '@rosterchirp/realtime';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { RateGuards } from '../rate-limits.ts';
import type { ConnectionCaps } from './connection-caps.ts';
import { roomsForConnection, sendFromConnection, trackPresence } from './connection-lifecycle.ts';
import type { PresenceHeartbeats } from './presence-heartbeats.ts';
import type { RosterSocketServer } from './socket-server.ts';
import { payloadValidator } from './validate-payload.ts';

const MAX_FRAME_BYTES = 64 * 1024;

/**
 * `GET /api/stream`: the plain WebSocket event stream of docs/API.md. Its connections join the same
 * socket.io rooms through the stream bridge, so they see exactly the socket.io events.
 */
export function installStreamRoute(
  app: FastifyInstance,
  io: RosterSocketServer,
  services: Services,
  rateGuards: RateGuards,
  instanceId: string,
  heartbeats: PresenceHeartbeats,
  /** Open stream sockets, so a draining instance can ask them to reconnect elsewhere. */
  open: Set<WebSocket>,
  caps: ConnectionCaps,
) {
  const validateFrame = payloadValidator(StreamClientFrameSchema);
  /** The upgrade's HTTP response, which the open connection lets go of. */
  const responses = new WeakMap<FastifyRequest, ServerResponse>();

  // The caps are taken before the upgrade, so a refusal is a plain 429 the client can read. A
  // place is only taken for an upgrade, and given back when its TCP connection ends whatever
  // happens (an upgrade that fails never reaches the handler below).
  const takePlace = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.ws) {
      throw new AppError(
        'VALIDATION_FAILED',
        'GET /api/stream opens a WebSocket: send it as an upgrade (Connection: Upgrade, Upgrade: websocket)',
      );
    }
    const release = caps.acquire(`${req.tenant.schema}:${req.actor.user.id}`, req.ip);
    if (!release) throw new AppError('TOO_MANY_CONNECTIONS', caps.refusal());
    req.raw.socket.once('close', release);
    responses.set(req, reply.raw);
  };

  app.get('/api/stream', { websocket: true, preHandler: [app.requireUser, takePlace] }, (socket, req) => {
    // The upgrade's fastify request and reply (and the HTTP objects behind them) are done with
    // once the connection is open, and nothing per connection may keep them (ARCHITECTURE.md,
    // "Memory per idle connection"): the TCP socket lets go of the upgrade's response, and
    // @fastify/websocket's error listener, which closes over both, is replaced by ours.
    const response = responses.get(req);
    if (response?.socket) response.detachSocket(response.socket);
    socket.removeAllListeners('error');
    serveStream(socket, req.tenant, req.actor, app.log);
  });

  function serveStream(socket: WebSocket, db: TenantDb, actor: Actor, appLog: FastifyBaseLogger) {
    const schema = db.schema;
    const userId = actor.user.id;
    // A logger naming the connection, made only when there is something to log.
    const log = () => appLog.child({ schema, userId, transport: 'stream' });
    const send = (frame: StreamServerFrame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    };
    let pending: Buffer[] | undefined = [];
    let bridge: ReturnType<typeof bridgeStream> | undefined;
    let viewing = false;
    let endPresence: (() => void) | undefined;

    const handle = async (raw: Buffer) => {
      if (raw.length > MAX_FRAME_BYTES) {
        send({ type: 'error', data: { code: 'TOO_LARGE', message: 'Frame too large' } });
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        send({ type: 'error', data: { code: 'VALIDATION_FAILED', message: 'Frames must be JSON' } });
        return;
      }
      const checked = validateFrame(parsed);
      if (!checked.ok) {
        const id = (parsed as { id?: unknown })?.id;
        if (typeof id === 'string') send({ type: 'ack', id, data: checked });
        else send({ type: 'error', data: checked.error });
        return;
      }
      const frame = checked.value;
      if (frame.type === 'ping') send({ type: 'pong' });
      else if (frame.type === 'viewing') {
        // Frames are handled only once the bridge exists, so its id is there.
        viewing = frame.data.groupId !== null;
        await services.viewing
          .set(db, bridge!.id, userId, frame.data.groupId)
          .catch((err: unknown) => log().warn({ err }, 'viewing not recorded'));
      } else
        send({
          type: 'ack',
          id: frame.id,
          data: await sendFromConnection(services, rateGuards, db, actor, frame.data, log),
        });
    };

    socket.on('error', (err) => {
      log().debug({ err }, 'stream socket error');
      socket.terminate();
    });
    socket.on('message', (raw: Buffer) => {
      if (pending) pending.push(raw);
      else void handle(raw);
    });
    open.add(socket);
    socket.on('close', () => {
      if (viewing && bridge) void services.viewing.set(db, bridge.id, userId, null).catch(() => undefined);
      open.delete(socket);
      bridge?.detach();
      endPresence?.();
    });

    void (async () => {
      try {
        const rooms = await roomsForConnection(services, db, actor);
        if (socket.readyState !== socket.OPEN) return;
        bridge = bridgeStream(io.of('/'), socket, rooms);
        // In its rooms before it is told hello: nothing sent after hello can be missed.
        await bridge.ready;
        if (socket.readyState !== socket.OPEN) return;
        endPresence = trackPresence(services, heartbeats, db, actor, bridge.id, appLog);
        send({ type: 'hello', data: { userId, instance: instanceId } });
        const waiting = pending ?? [];
        pending = undefined;
        for (const raw of waiting) void handle(raw);
      } catch (err) {
        log().error({ err }, 'stream setup failed');
        socket.close(1011, 'setup failed');
      }
    })();
  }
}
