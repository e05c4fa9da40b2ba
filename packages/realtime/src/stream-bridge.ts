import { randomUUID } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';

/** What the bridge needs of a plain WebSocket connection (a `ws` WebSocket is one). */
export interface StreamConnection {
  /** A UTF-8 JSON frame, sent as a text frame. */
  send(frame: Buffer, options: { binary: false }): void;
  close(code: number, reason: string): void;
}

export interface BridgedStream {
  readonly id: string;
  /** Settles once the connection is in its initial rooms (with Redis: subscribed to them). */
  readonly ready: Promise<void>;
  detach(): void;
}

/**
 * Makes a plain `/api/stream` WebSocket a member of socket.io rooms, so it receives events
 * through the very same adapter fan-out as socket.io clients (docs/CLUSTER.md invariant 3), on one
 * instance or across a Redis-adapter cluster.
 *
 * The adapter delivers to a room member by looking it up in `namespace.sockets` and calling
 * `client.writeToEngine(encodedPackets)`. We register a small stand-in there that turns the
 * encoded socket.io packet into a `{type, data}` frame. The packet is encoded once per
 * broadcast and the frame is derived once per packet (cached by the packet array's identity),
 * so N stream recipients cost one JSON parse, one stringify and one UTF-8 encoding in total:
 * each of them is sent the same bytes.
 */
const frameCache = new WeakMap<object, Buffer | null>();
const TEXT_FRAME = { binary: false } as const;

/** `2["event",{...}]` (an EVENT packet of the main namespace) → `{"type":"event","data":{...}}`. */
export function streamFrameFromPacket(encoded: unknown): string | null {
  if (typeof encoded !== 'string') return null;
  const match = /^2(?:\/[^,]*,)?\d*(\[.*)$/s.exec(encoded);
  if (!match?.[1]) return null;
  const args = JSON.parse(match[1]) as unknown[];
  if (typeof args[0] !== 'string') return null;
  return JSON.stringify({ type: args[0], data: args[1] ?? {} });
}

function frameFor(encodedPackets: unknown[]): Buffer | null {
  let frame = frameCache.get(encodedPackets);
  if (frame === undefined) {
    const text = encodedPackets.length === 1 ? streamFrameFromPacket(encodedPackets[0]) : null;
    frame = text === null ? null : Buffer.from(text);
    frameCache.set(encodedPackets, frame);
  }
  return frame;
}

export function bridgeStream(
  namespace: Namespace,
  conn: StreamConnection,
  initialRooms: string[],
): BridgedStream {
  const id = `stream:${randomUUID()}`;
  const adapter = namespace.adapter;
  const standIn = {
    id,
    connected: true,
    data: {},
    client: {
      writeToEngine(encodedPackets: unknown[]) {
        const frame = frameFor(encodedPackets);
        if (frame !== null) conn.send(frame, TEXT_FRAME);
      },
    },
    join(rooms: string | string[]) {
      return adapter.addAll(id, new Set(Array.isArray(rooms) ? rooms : [rooms]));
    },
    leave(room: string) {
      return adapter.del(id, room);
    },
    disconnect() {
      conn.close(4000, 'disconnected by server');
      return standIn;
    },
  };
  namespace.sockets.set(id, standIn as unknown as Socket);
  const ready = Promise.resolve(adapter.addAll(id, new Set(initialRooms)));
  return {
    id,
    ready,
    detach() {
      namespace.sockets.delete(id);
      void adapter.delAll(id);
    },
  };
}
