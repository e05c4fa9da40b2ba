import { AppError, type Services } from '@rosterchirp/domain';
import { StreamClientFrameSchema, type StreamServerFrame } from '@rosterchirp/protocol';
import { bridgeStream } from '@rosterchirp/realtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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
  const releases = new WeakMap<FastifyRequest, () => void>();

  // The caps are taken before the upgrade, so a refusal is a plain 429 the client can read.
  const takePlace = async (req: FastifyRequest) => {
    const release = caps.acquire(`${req.tenant.schema}:${req.actor.user.id}`, req.ip);
    if (!release) throw new AppError('TOO_MANY_CONNECTIONS', caps.refusal());
    releases.set(req, release);
  };

  app.get(
    '/api/stream',
    { websocket: true, preHandler: [app.requireUser, takePlace] },
    async (socket, req) => {
      const db = req.tenant;
      const actor = req.actor;
      const release = releases.get(req);
      const send = (frame: StreamServerFrame) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
      };
      const pending: Buffer[] = [];
      let ready = false;
      let bridge: ReturnType<typeof bridgeStream> | undefined;
      let viewingId: string | undefined;
      // Frames are handled only once the bridge exists (ready), so its id is there.
      const connectionIdForViewing = () => bridge!.id;
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
          viewingId = connectionIdForViewing();
          await services.viewing
            .set(db, viewingId, actor.user.id, frame.data.groupId)
            .catch((err: unknown) => req.log.warn({ err }, 'viewing not recorded'));
        } else
          send({
            type: 'ack',
            id: frame.id,
            data: await sendFromConnection(services, rateGuards, db, actor, frame.data, req.log),
          });
      };

      socket.on('message', (raw: Buffer) => {
        if (ready) void handle(raw);
        else pending.push(raw);
      });
      open.add(socket);
      socket.on('close', () => {
        release?.();
        if (viewingId) void services.viewing.set(db, viewingId, actor.user.id, null).catch(() => undefined);
        open.delete(socket);
        bridge?.detach();
        endPresence?.();
      });

      try {
        const rooms = await roomsForConnection(services, db, actor);
        if (socket.readyState !== socket.OPEN) return;
        bridge = bridgeStream(
          io.of('/'),
          {
            send: (f) => socket.readyState === socket.OPEN && socket.send(f),
            close: (c, r) => socket.close(c, r),
          },
          rooms,
        );
        // In its rooms before it is told hello: nothing sent after hello can be missed.
        await bridge.ready;
        if (socket.readyState !== socket.OPEN) return;
        const connectionId = bridge.id;
        endPresence = trackPresence(services, heartbeats, db, actor, connectionId, req.log);
        send({ type: 'hello', data: { userId: actor.user.id, instance: instanceId } });
        ready = true;
        for (const raw of pending.splice(0)) void handle(raw);
      } catch (err) {
        req.log.error({ err }, 'stream setup failed');
        socket.close(1011, 'setup failed');
      }
    },
  );
}
