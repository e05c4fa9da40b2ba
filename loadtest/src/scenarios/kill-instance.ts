import { PG_TYPES } from '@rosterchirp/db';
import type { Cluster } from '@rosterchirp/infra';
import type { ClientToServerEvents, Message, SendAck, ServerToClientEvents } from '@rosterchirp/protocol';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { provisionUsers } from '../lib/bulk-users.ts';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface KillInstanceResult {
  rooms: number;
  clients: number;
  seconds: number;
  sent: number;
  stored: number;
  /** Sends acknowledged as ok whose message is not stored. */
  ackedButMissing: number;
  /** Logical messages stored more than once (a retry that duplicated). */
  storedTwice: number;
  /** (member, stored message) pairs the member never received, live or by catch-up. */
  lost: number;
  /** The same message delivered to a member more than once (live and catch-up overlapping); a
   * client keeps messages by id, so these never show twice — counted to show the overlap. */
  overlappingDeliveries: number;
  reconnects: number;
  retries: number;
}

/**
 * Loss and duplication across an instance crash: rooms of members on socket.io through Caddy
 * with reconnection; one sender per room sends with acks and retries (same clientId) on a
 * failed or missing ack; mid-run instance 1 is SIGKILLed and started again. Members catch up
 * after every reconnect with `after=<last id>`. At the end every stored message must have
 * reached every member once, and every acknowledged send must be stored exactly once.
 */
export async function runKillInstance(
  cluster: Cluster,
  opts: { rooms: number; roomSize: number; seconds: number; rate: number; log: (m: string) => void },
): Promise<KillInstanceResult> {
  const base = cluster.url;
  const people = await provisionUsers({
    directUrl: cluster.env.DATABASE_DIRECT_URL!,
    jwtSecret: cluster.env.JWT_SECRET!,
    count: opts.rooms * opts.roomSize,
    prefix: 'crash',
    roomSize: opts.roomSize,
  });
  let reconnects = 0;
  const members = await Promise.all(
    people.map(async (p) => {
      const received: number[] = [];
      let lastId = 0;
      const socket: Client = io(base, {
        transports: ['websocket'],
        auth: { token: p.token },
        reconnectionDelay: 100,
        reconnectionDelayMax: 500,
        forceNew: true,
      });
      const take = (m: Message) => {
        if (m.groupId !== p.roomId) return;
        received.push(m.id);
        lastId = Math.max(lastId, m.id);
      };
      const catchUp = async () => {
        for (;;) {
          const res = await fetch(`${base}/api/groups/${p.roomId}/messages?after=${lastId}&limit=100`, {
            headers: { authorization: `Bearer ${p.token}` },
          }).catch(() => null);
          if (!res?.ok) {
            await new Promise((r) => setTimeout(r, 200));
            continue;
          }
          const page = (await res.json()) as { messages: Message[]; hasMore: boolean };
          for (const m of page.messages) take(m);
          if (!page.hasMore) return;
        }
      };
      socket.on('message:new', ({ message }) => take(message));
      let first = true;
      socket.on('connect', () => {
        if (first) {
          first = false;
          return;
        }
        reconnects++;
        void catchUp();
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return { ...p, socket, received, catchUp };
    }),
  );
  const senders = members.filter((_, i) => i % opts.roomSize === 0);
  let sent = 0;
  let retries = 0;
  const acked = new Map<string, number>();
  const sendOnce = async (s: (typeof senders)[number], clientId: string): Promise<void> => {
    for (;;) {
      const ack = s.socket.connected
        ? await new Promise<SendAck | null>((resolve) => {
            s.socket
              .timeout(2000)
              .emit('message:send', { groupId: s.roomId, clientId, content: clientId }, (err, res) =>
                resolve(err ? null : res),
              );
          })
        : null;
      if (ack?.ok) {
        acked.set(clientId, ack.message.id);
        return;
      }
      retries++;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const pending: Array<Promise<void>> = [];
  const started = Date.now();
  const killAt = started + (opts.seconds * 1000) / 3;
  let killed = false;
  let restarted: Promise<unknown> | undefined;
  const interval = 1000 / (opts.rate / senders.length);
  while (Date.now() - started < opts.seconds * 1000) {
    if (!killed && Date.now() >= killAt) {
      killed = true;
      opts.log(`kill: SIGKILL ${cluster.instances[0]!.name} after ${sent} sends`);
      cluster.instances[0]!.child.kill('SIGKILL');
      restarted = cluster.instances[0]!.exited.then(() => cluster.restartInstance(0));
    }
    for (const s of senders) pending.push(sendOnce(s, `crash-${s.roomId}-${sent++}`));
    await new Promise((r) => setTimeout(r, interval));
  }
  await Promise.all(pending);
  await restarted;
  await new Promise((r) => setTimeout(r, 1500));
  await Promise.all(members.map((m) => m.catchUp()));

  const stored = new Map<number, Set<number>>();
  const db = new pg.Client({ connectionString: cluster.env.DATABASE_DIRECT_URL!, types: PG_TYPES });
  await db.connect();
  let storedTwice = 0;
  let storedCount = 0;
  let ackedButMissing = 0;
  try {
    const { rows } = await db.query<{ id: number; group_id: number; client_id: string }>(
      "SELECT id, group_id, client_id FROM public.messages WHERE client_id LIKE 'crash-%'",
    );
    storedCount = rows.length;
    const byClientId = new Map<string, number>();
    for (const r of rows) {
      byClientId.set(r.client_id, (byClientId.get(r.client_id) ?? 0) + 1);
      if (!stored.has(r.group_id)) stored.set(r.group_id, new Set());
      stored.get(r.group_id)!.add(r.id);
    }
    storedTwice = [...byClientId.values()].filter((n) => n > 1).length;
    ackedButMissing = [...acked.keys()].filter((c) => !byClientId.has(c)).length;
  } finally {
    await db.end();
  }
  let lost = 0;
  let overlappingDeliveries = 0;
  for (const m of members) {
    const got = new Set(m.received);
    overlappingDeliveries += m.received.length - got.size;
    for (const id of stored.get(m.roomId) ?? []) if (!got.has(id)) lost++;
    m.socket.close();
  }
  return {
    rooms: opts.rooms,
    clients: members.length,
    seconds: opts.seconds,
    sent,
    stored: storedCount,
    ackedButMissing,
    storedTwice,
    lost,
    overlappingDeliveries,
    reconnects,
    retries,
  };
}
