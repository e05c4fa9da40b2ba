import type { EventBus, ServerEventName, ServerToClientPayloads } from '@rosterchirp/protocol';

export type BusCall =
  | { kind: 'emit'; room: string | string[]; event: ServerEventName; payload: unknown; exceptRoom?: string }
  | { kind: 'join' | 'leave'; whoRoom: string; rooms: string[] }
  | { kind: 'disconnect'; whoRoom: string };

/** An EventBus that remembers what the domain asked of it, for domain tests without sockets. */
export class RecordingBus implements EventBus {
  readonly calls: BusCall[] = [];

  emit<E extends ServerEventName>(
    room: string | string[],
    event: E,
    payload: ServerToClientPayloads[E],
    opts?: { exceptRoom?: string },
  ): void {
    this.calls.push({
      kind: 'emit',
      room,
      event,
      payload,
      ...(opts?.exceptRoom ? { exceptRoom: opts.exceptRoom } : {}),
    });
  }
  join(whoRoom: string, rooms: string[]): void {
    this.calls.push({ kind: 'join', whoRoom, rooms });
  }
  leave(whoRoom: string, rooms: string[]): void {
    this.calls.push({ kind: 'leave', whoRoom, rooms });
  }
  disconnect(whoRoom: string): void {
    this.calls.push({ kind: 'disconnect', whoRoom });
  }

  emitted(event: ServerEventName) {
    return this.calls.filter(
      (c): c is Extract<BusCall, { kind: 'emit' }> => c.kind === 'emit' && c.event === event,
    );
  }
}
