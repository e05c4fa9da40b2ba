import type { EventBus, ServerEventName, ServerToClientPayloads } from '@rosterchirp/protocol';
import type { Server } from 'socket.io';

// biome-ignore lint/suspicious/noExplicitAny: socket.io's typed emit cannot be narrowed generically here
type AnyEmit = (event: string, ...args: any[]) => boolean;

/**
 * EventBus over a socket.io server. Cross-instance delivery is the adapter's job: the default
 * in-memory adapter on one instance, @socket.io/redis-adapter in a cluster.
 */
export function createSocketIoBus(io: Server): EventBus {
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
    },
    join(whoRoom, rooms) {
      io.in(whoRoom).socketsJoin(rooms);
    },
    leave(whoRoom, rooms) {
      io.in(whoRoom).socketsLeave(rooms);
    },
    disconnect(whoRoom) {
      io.in(whoRoom).disconnectSockets(true);
    },
  };
}
