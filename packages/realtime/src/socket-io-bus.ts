import type { EventBus, ServerEventName, ServerToClientPayloads } from '@rosterchirp/protocol';
import type { Server } from 'socket.io';
import type { StreamHub } from './stream-hub.ts';

// biome-ignore lint/suspicious/noExplicitAny: socket.io's typed emit cannot be narrowed generically here
type AnyEmit = (event: string, ...args: any[]) => boolean;

/**
 * The EventBus over both transports: socket.io clients through socket.io and its adapter (the
 * memory adapter on one instance, @socket.io/redis-adapter in a cluster), `/api/stream`
 * connections through the stream hub, each through its own public API.
 */
export function createSocketIoBus(io: Server, hub: StreamHub): EventBus {
  return {
    emit<E extends ServerEventName>(
      room: string | string[],
      event: E,
      payload: ServerToClientPayloads[E],
      opts?: { exceptRoom?: string },
    ) {
      let target = io.to(room);
      if (opts?.exceptRoom) target = target.except(opts.exceptRoom);
      (target.emit as unknown as AnyEmit).call(target, event, payload);
      hub.emit(room, event, payload, opts?.exceptRoom);
    },
    join(whoRoom, rooms) {
      io.in(whoRoom).socketsJoin(rooms);
      hub.join(whoRoom, rooms);
    },
    leave(whoRoom, rooms) {
      io.in(whoRoom).socketsLeave(rooms);
      hub.leave(whoRoom, rooms);
    },
    disconnect(whoRoom) {
      io.in(whoRoom).disconnectSockets(true);
      hub.disconnect(whoRoom);
    },
  };
}
