/**
 * One generator process of the user model (scenarios/user-model.ts): holds its share of the
 * users' WebSockets (a process holds at most what its open-file limit allows, hence several) and
 * runs their actions, one every ~20 s per user, over kept-alive HTTP connections. The
 * coordinator says how many of its users to connect and when to run a step; the worker answers
 * with connect times and every action's latency.
 */
import type { BulkUser } from '../lib/bulk-users.ts';
import { type ChatSocket, connect, restSender, sourceAddress } from '../lib/clients.ts';

export type WorkerCommand =
  | { type: 'init'; users: Array<BulkUser & { index: number }>; frontDoors: string[] }
  | { type: 'grow'; count: number }
  | { type: 'run'; seconds: number; meanIntervalMs: number }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'grown'; connected: number; connectMs: number[]; retries: number; failures: number }
  | {
      type: 'ran';
      latencies: number[];
      errors: number;
      /** Failed actions by what went wrong: "POST 503", "GET timeout"… */
      errorKinds: Record<string, number>;
      disconnected: number;
    }
  | { type: 'closed' };

type Action = 'post' | 'view' | 'list' | 'read';
const MIX: Array<[Action, number]> = [
  ['post', 0.4],
  ['view', 0.4],
  ['list', 0.15],
  ['read', 0.05],
];

function pickAction(): Action {
  let r = Math.random();
  for (const [a, p] of MIX) {
    r -= p;
    if (r <= 0) return a;
  }
  return 'view';
}

let users: Array<BulkUser & { index: number }> = [];
let doors: string[] = [];
/** One kept-alive HTTP sender per front door. */
const senders = new Map<string, ReturnType<typeof restSender>>();
const sockets: ChatSocket[] = [];
/** The users whose socket is open (in connect order), and how many users were tried so far. */
const connectedUsers: Array<BulkUser & { index: number }> = [];
let attempted = 0;
const lastSeen = new Map<number, number>();
let disconnected = 0;
let counter = 0;

const doorOf = (u: { index: number }) => doors[u.index % doors.length]!;

function call(u: BulkUser & { index: number }, method: string, path: string, body?: unknown) {
  const door = doorOf(u);
  const sender = senders.get(door) ?? restSender(door, 256);
  senders.set(door, sender);
  return sender.send(method, path, u.token, body);
}

/** Why the last failed action of each kind failed, counted per step. */
let errorKinds: Record<string, number> = {};
const failed = (what: string) => {
  errorKinds[what] = (errorKinds[what] ?? 0) + 1;
  return false;
};

async function act(u: BulkUser & { index: number }, picked: Action, n: number): Promise<boolean> {
  let action = picked;
  const seen = lastSeen.get(u.userId);
  if (action === 'read' && seen === undefined) action = 'view';
  if (action === 'post') {
    const res = await call(u, 'POST', `/api/groups/${u.roomId}/messages`, {
      clientId: `model-${u.userId}-${n}`,
      content: `hello from user ${u.userId} (${n})`,
    });
    if (res.status === 201)
      lastSeen.set(u.userId, (JSON.parse(res.body) as { message: { id: number } }).message.id);
    return res.status === 201;
  }
  if (action === 'view') {
    const res = await call(u, 'GET', `/api/groups/${u.roomId}/messages?limit=50`);
    if (res.status !== 200) return failed(`view ${res.status}`);
    const newest = (JSON.parse(res.body) as { messages: Array<{ id: number }> }).messages.at(-1);
    if (newest) lastSeen.set(u.userId, newest.id);
    return true;
  }
  const res =
    action === 'list'
      ? await call(u, 'GET', '/api/groups')
      : await call(u, 'POST', `/api/groups/${u.roomId}/read`, { messageId: seen });
  return (res.status >= 200 && res.status < 300) || failed(`${action} ${res.status}`);
}

async function grow(count: number): Promise<WorkerReply> {
  const connectMs: number[] = [];
  let retries = 0;
  let failures = 0;
  // Like a real client, a refused handshake (UNAVAILABLE while the servers are busy) is retried.
  const connectOne = async (u: BulkUser & { index: number }) => {
    const t = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const s = await connect(doorOf(u), u.token, sourceAddress(u.index));
        s.on('disconnect', () => disconnected++);
        sockets.push(s);
        connectedUsers.push(u);
        connectMs.push(performance.now() - t);
        return;
      } catch {
        if (attempt === 5) {
          failures++;
          return;
        }
        retries++;
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
  };
  const target = Math.min(count, users.length);
  const lane = async () => {
    while (attempted < target) await connectOne(users[attempted++]!);
  };
  await Promise.all(Array.from({ length: 100 }, lane));
  return { type: 'grown', connected: sockets.length, connectMs, retries, failures };
}

async function run(seconds: number, meanIntervalMs: number): Promise<WorkerReply> {
  const active = [...connectedUsers];
  const latencies: number[] = [];
  let errors = 0;
  const disconnectedBefore = disconnected;
  errorKinds = {};
  const inFlight = new Set<Promise<void>>();
  const end = Date.now() + seconds * 1000;
  const nextAt = active.map(() => Date.now() + Math.random() * meanIntervalMs);
  while (Date.now() < end) {
    const now = Date.now();
    for (let i = 0; i < active.length; i++) {
      if (nextAt[i]! > now) continue;
      nextAt[i] = now - Math.log(1 - Math.random()) * meanIntervalMs;
      const t = performance.now();
      const p = act(active[i]!, pickAction(), counter++)
        .then((ok) => {
          latencies.push(performance.now() - t);
          if (!ok) errors++;
        })
        .catch((err: Error) => {
          latencies.push(performance.now() - t);
          errors++;
          failed(`network ${err.message.slice(0, 40)}`);
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(inFlight);
  return { type: 'ran', latencies, errors, errorKinds, disconnected: disconnected - disconnectedBefore };
}

process.on('message', async (msg: WorkerCommand) => {
  if (msg.type === 'init') {
    users = msg.users;
    doors = msg.frontDoors;
  } else if (msg.type === 'grow') {
    process.send?.(await grow(msg.count));
  } else if (msg.type === 'run') {
    process.send?.(await run(msg.seconds, msg.meanIntervalMs));
  } else {
    for (const s of sockets) s.close();
    for (const sender of senders.values()) sender.close();
    process.send?.({ type: 'closed' } satisfies WorkerReply, () => process.exit(0));
  }
});
