import type {
  ChangesReply,
  ClientToServerEvents,
  Message,
  ServerToClientEvents,
} from '@rosterchirp/protocol';
import { io, type Socket } from 'socket.io-client';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a missing change may take to arrive out of order before it is fetched. */
const GAP_GRACE_MS = 250;

export interface FollowerCounters {
  reconnects: number;
  syncs: number;
  gaps: number;
  fetches: number;
}

/**
 * One member's view of one conversation, kept exactly as docs/API.md tells a client to:
 * live events applied by id; a jump in the change sequence or `sync:required` fetches
 * `changes?since=`; so does every reconnect. No forced final catch-up: what it holds at the end
 * is what a person would see.
 */
export class ConversationFollower {
  readonly messages = new Map<number, Message>();
  /** message:new events for an id already held (live and catch-up overlapping). */
  overlaps = 0;
  private seq = 0;
  private gapTimer: NodeJS.Timeout | undefined;
  private fetching: Promise<void> | undefined;
  private again = false;
  readonly socket: Client;

  constructor(
    private readonly base: string,
    private readonly token: string,
    readonly groupId: number,
    private readonly counters: FollowerCounters,
  ) {
    this.socket = io(base, {
      transports: ['websocket'],
      auth: { token },
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
      forceNew: true,
    });
    let first = true;
    this.socket.on('connect', () => {
      if (first) {
        first = false;
        return;
      }
      counters.reconnects++;
      void this.catchUp();
    });
    this.socket.on('sync:required', () => {
      counters.syncs++;
      void this.catchUp();
    });
    this.socket.on('message:new', ({ message }) => {
      if (message.groupId !== groupId) return;
      if (this.messages.has(message.id)) this.overlaps++;
      this.put(message);
      this.saw(message.seq);
    });
    this.socket.on('message:updated', ({ message }) => {
      if (message.groupId !== groupId) return;
      this.put(message);
      this.saw(message.seq);
    });
    this.socket.on('message:deleted', ({ groupId: g, seq }) => {
      if (g === groupId) this.saw(seq);
    });
    this.socket.on('reaction:updated', ({ groupId: g, seq }) => {
      if (g === groupId) this.saw(seq);
    });
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  private put(m: Message) {
    const held = this.messages.get(m.id);
    if (!held || held.seq <= m.seq) this.messages.set(m.id, m);
  }

  private saw(seq: number) {
    if (seq <= this.seq) return;
    if (seq === this.seq + 1) {
      this.seq = seq;
      return;
    }
    if (this.gapTimer) return;
    this.counters.gaps++;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      void this.catchUp();
    }, GAP_GRACE_MS);
  }

  /** `changes?since=` until there is no more; one at a time (a second request runs after). */
  catchUp(): Promise<void> {
    if (this.fetching) {
      this.again = true;
      return this.fetching;
    }
    this.fetching = (async () => {
      do {
        this.again = false;
        await this.fetchChanges();
      } while (this.again);
    })().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async fetchChanges() {
    const deadline = Date.now() + 60_000;
    for (;;) {
      this.counters.fetches++;
      const res = await fetch(`${this.base}/api/groups/${this.groupId}/changes?since=${this.seq}&limit=500`, {
        headers: { authorization: `Bearer ${this.token}` },
        signal: AbortSignal.timeout(10_000),
      }).catch(() => null);
      if (!res?.ok) {
        if (Date.now() > deadline) return;
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      const reply = (await res.json()) as ChangesReply;
      for (const m of reply.messages) this.put(m);
      this.seq = Math.max(this.seq, reply.seq);
      if (!reply.hasMore) return;
    }
  }

  close() {
    clearTimeout(this.gapTimer);
    this.socket.close();
  }
}
