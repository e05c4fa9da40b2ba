import { randomUUID } from 'node:crypto';
import type { StreamConnection } from './stream-connection.ts';

/**
 * How a hub reaches the same hub on other instances: fire-and-forget messages on named
 * channels. With Redis: sharded pub/sub (stream-hub-link.redis.ts); on one instance: nothing to
 * reach (memoryHubLink).
 */
export interface HubLink {
  publish(channel: string, message: string): void;
  /** Settles once messages on `channel` arrive at `onMessage`. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<void>;
  unsubscribe(channel: string): void;
}

/** One instance: there is no one else to tell. */
export const memoryHubLink: HubLink = {
  publish: () => undefined,
  subscribe: async () => undefined,
  unsubscribe: () => undefined,
};

export interface AttachedStream {
  readonly id: string;
  /** Settles once the connection is in its initial rooms (with Redis: subscribed to them). */
  readonly ready: Promise<void>;
  detach(): void;
}

/** What travels between instances: a header line (JSON), then for frames the frame itself. */
interface Header {
  /** The sending hub, which has already delivered to its own streams. */
  from: string;
  kind: 'frame' | 'join' | 'leave' | 'disconnect';
  rooms: string[];
  /** frame: streams in this room are skipped. join/leave/disconnect: whose streams. */
  who?: string;
}

const CONTROL = 'control';
const roomChannel = (room: string) => `room:${room}`;

/**
 * The `/api/stream` side of fan-out, without socket.io: plain WebSocket connections are members
 * of rooms here, and every EventBus call (emit, join, leave, disconnect) reaches them on every
 * instance through `link`. A frame to one room goes on that room's channel, which an instance
 * subscribes to only while one of its streams is in the room; a frame to several rooms, and
 * every join, leave and disconnect, go on the control channel every instance hears. A frame is
 * serialised once where it is emitted; other instances pass the same string on.
 */
export class StreamHub {
  private readonly id = randomUUID();
  private readonly streams = new Map<string, { conn: StreamConnection; rooms: Set<string> }>();
  private readonly rooms = new Map<string, Set<string>>();
  private readonly subscribed = new Map<string, Promise<void>>();
  private readonly control: Promise<void>;

  constructor(private readonly link: HubLink) {
    this.control = link.subscribe(CONTROL, (m) => this.receive(m));
  }

  /** Settles once this hub hears the other instances. */
  ready(): Promise<void> {
    return this.control;
  }

  /** Streams of this instance attached now. */
  get size(): number {
    return this.streams.size;
  }

  /** How many streams of this instance are in `room`. */
  membersOf(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  attach(conn: StreamConnection, initialRooms: string[]): AttachedStream {
    const id = `stream:${randomUUID()}`;
    this.streams.set(id, { conn, rooms: new Set() });
    const ready = Promise.all([this.control, this.enter(id, initialRooms)]).then(() => undefined);
    return { id, ready, detach: () => this.detach(id) };
  }

  emit(rooms: string | string[], event: string, payload: unknown, exceptRoom?: string): void {
    const list = Array.isArray(rooms) ? rooms : [rooms];
    const frame = JSON.stringify({ type: event, data: payload ?? {} });
    this.deliver(list, exceptRoom, frame);
    const header: Header = {
      from: this.id,
      kind: 'frame',
      rooms: list,
      ...(exceptRoom ? { who: exceptRoom } : {}),
    };
    this.link.publish(
      list.length === 1 ? roomChannel(list[0]!) : CONTROL,
      `${JSON.stringify(header)}\n${frame}`,
    );
  }

  /** Every stream of this instance, whatever its rooms (e.g. "sync:required" after an outage). */
  emitLocal(event: string, payload: unknown): void {
    const frame = JSON.stringify({ type: event, data: payload ?? {} });
    for (const { conn } of this.streams.values()) conn.send(frame);
  }

  join(who: string, rooms: string[]): void {
    this.tell('join', who, rooms);
  }

  leave(who: string, rooms: string[]): void {
    this.tell('leave', who, rooms);
  }

  disconnect(who: string): void {
    this.tell('disconnect', who, []);
  }

  private tell(kind: Header['kind'], who: string, rooms: string[]): void {
    this.apply(kind, who, rooms);
    this.link.publish(CONTROL, JSON.stringify({ from: this.id, kind, rooms, who } satisfies Header));
  }

  private receive(message: string): void {
    const newline = message.indexOf('\n');
    const header = JSON.parse(newline < 0 ? message : message.slice(0, newline)) as Header;
    if (header.from === this.id) return;
    if (header.kind === 'frame') this.deliver(header.rooms, header.who, message.slice(newline + 1));
    else this.apply(header.kind, header.who ?? '', header.rooms);
  }

  private apply(kind: Header['kind'], who: string, rooms: string[]): void {
    for (const id of [...(this.rooms.get(who) ?? [])]) {
      if (kind === 'join') void this.enter(id, rooms);
      else if (kind === 'leave') this.exit(id, rooms);
      else this.streams.get(id)?.conn.close(4000, 'disconnected by server');
    }
  }

  private deliver(rooms: string[], exceptRoom: string | undefined, frame: string): void {
    const except = exceptRoom ? this.rooms.get(exceptRoom) : undefined;
    const sent = rooms.length > 1 ? new Set<string>() : undefined;
    for (const room of rooms) {
      for (const id of this.rooms.get(room) ?? []) {
        if (except?.has(id) || sent?.has(id)) continue;
        sent?.add(id);
        this.streams.get(id)?.conn.send(frame);
      }
    }
  }

  private async enter(id: string, rooms: string[]): Promise<void> {
    const stream = this.streams.get(id);
    if (!stream) return;
    const waits: Array<Promise<void>> = [];
    for (const room of rooms) {
      stream.rooms.add(room);
      const members = this.rooms.get(room) ?? new Set<string>();
      this.rooms.set(room, members);
      members.add(id);
      let subscription = this.subscribed.get(room);
      if (!subscription) {
        subscription = this.link.subscribe(roomChannel(room), (m) => this.receive(m));
        this.subscribed.set(room, subscription);
      }
      waits.push(subscription);
    }
    await Promise.all(waits);
  }

  private exit(id: string, rooms: Iterable<string>): void {
    const stream = this.streams.get(id);
    for (const room of [...rooms]) {
      stream?.rooms.delete(room);
      const members = this.rooms.get(room);
      members?.delete(id);
      if (members?.size === 0) {
        this.rooms.delete(room);
        this.subscribed.delete(room);
        this.link.unsubscribe(roomChannel(room));
      }
    }
  }

  private detach(id: string): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    this.exit(id, stream.rooms);
    this.streams.delete(id);
  }
}
