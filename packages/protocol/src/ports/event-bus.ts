import type { ServerEventName, ServerToClientPayloads } from '../events.ts';

/**
 * Fan-out port the domain owns (the realtime package implements it; domain tests use a recording
 * one). Used by domain services. Rooms are the names from rooms.ts. The implementation
 * rides on the socket.io adapter (memory on one instance, Redis across a cluster), and reaches
 * both socket.io clients and `/api/stream` clients, on every instance.
 */
export interface EventBus {
  emit<E extends ServerEventName>(
    room: string | string[],
    event: E,
    payload: ServerToClientPayloads[E],
    opts?: { exceptRoom?: string },
  ): void;
  /** Every connection in `whoRoom` (on any instance) joins `rooms`. */
  join(whoRoom: string, rooms: string[]): void;
  /** Every connection in `whoRoom` (on any instance) leaves `rooms`. */
  leave(whoRoom: string, rooms: string[]): void;
  /** Closes every connection in `whoRoom` (on any instance). */
  disconnect(whoRoom: string): void;
}
