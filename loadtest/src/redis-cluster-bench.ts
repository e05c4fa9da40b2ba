/**
 * `pnpm bench:redis-cluster` — fan-out over one redis-server and over a 3-master Redis Cluster,
 * side by side, on the local cluster (2 instances, Caddy, PgBouncer, Postgres). Two workloads:
 *   one room  — every receiver in one room: one channel, so one slot and one master carry it;
 *   many rooms — receivers in private rooms of --room-size, messages spread over the rooms:
 *                their channels spread over the slots, so over the masters.
 * Reported per topology: deliveries/s, and CPU of Redis (every master) and of the instances
 * per delivery. Receivers connect through Caddy; the generator runs on the same machine.
 * Usage: pnpm bench:redis-cluster [-- --receivers 2000 --messages 200 --room-size 50]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type Cluster, REPO_ROOT, startCluster } from '@rosterchirp/infra';
import type { SendAck } from '@rosterchirp/protocol';
import { Redis } from 'ioredis';
import { provisionUsers } from './lib/bulk-users.ts';
import { BENCH_ENV, type ChatSocket, connect, sourceAddress } from './lib/clients.ts';
import { cpuSeconds, machine as machineDescription, redisCpuSeconds } from './lib/measure.ts';

const { values } = parseArgs({
  options: {
    receivers: { type: 'string', default: '2000' },
    messages: { type: 'string', default: '200' },
    'room-size': { type: 'string', default: '50' },
  },
});
const RECEIVERS = Number(values.receivers);
const MESSAGES = Number(values.messages);
const ROOM_SIZE = Number(values['room-size']);
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Workload {
  deliveries: number;
  seconds: number;
  perSecond: number;
  redisCpuSeconds: number;
  instancesCpuSeconds: number;
  redisMicrosPerDelivery: number;
  instancesMicrosPerDelivery: number;
}

/** Sends `total` messages, 32 in flight, each from its room's publisher. */
async function sendAll(
  publishers: Array<{ socket: ChatSocket; roomId: number }>,
  total: number,
  tag: string,
) {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const { socket, roomId } = publishers[i % publishers.length]!;
      const ack = await new Promise<SendAck>((resolve) =>
        socket.emit('message:send', { groupId: roomId, clientId: `${tag}-${i}`, content: `m${i}` }, resolve),
      );
      if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

async function measure(
  cluster: Cluster,
  redisNodes: Redis[],
  users: Array<{ token: string; roomId: number }>,
  tag: string,
): Promise<Workload> {
  const sockets: ChatSocket[] = new Array(users.length);
  let delivered = 0;
  for (let i = 0; i < users.length; i += 200) {
    await Promise.all(
      users.slice(i, i + 200).map(async (u, k) => {
        const s = await connect(cluster.url, u.token, sourceAddress(i + k));
        s.on('message:new', () => void delivered++);
        sockets[i + k] = s;
      }),
    );
  }
  await new Promise((r) => setTimeout(r, 1000));
  const publishers = [...new Map(users.map((u, i) => [u.roomId, sockets[i]!])).entries()].map(
    ([roomId, socket]) => ({ roomId, socket }),
  );
  const roomSize = users.length / publishers.length;
  const expected = MESSAGES * roomSize;
  const redisCpu = async () =>
    (await Promise.all(redisNodes.map((r) => redisCpuSeconds(r)))).reduce((a, b) => a + b);
  const instancesCpu = () => cluster.instances.reduce((n, i) => n + cpuSeconds(i.pid), 0);
  const [redis0, inst0] = [await redisCpu(), instancesCpu()];
  delivered = 0;
  const t0 = performance.now();
  await sendAll(publishers, MESSAGES, tag);
  const deadline = Date.now() + 120_000;
  while (delivered < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const redisSeconds = (await redisCpu()) - redis0;
  const instanceSeconds = instancesCpu() - inst0;
  for (const s of sockets) s.close();
  if (delivered < expected) throw new Error(`${tag}: ${delivered} of ${expected} delivered in 120 s`);
  return {
    deliveries: delivered,
    seconds: Number(seconds.toFixed(2)),
    perSecond: Math.round(delivered / seconds),
    redisCpuSeconds: Number(redisSeconds.toFixed(3)),
    instancesCpuSeconds: Number(instanceSeconds.toFixed(2)),
    redisMicrosPerDelivery: Number(((redisSeconds / delivered) * 1e6).toFixed(2)),
    instancesMicrosPerDelivery: Number(((instanceSeconds / delivered) * 1e6).toFixed(1)),
  };
}

async function run(redisCluster: boolean) {
  const cluster = await startCluster({ instances: 2, redisCluster, env: BENCH_ENV });
  const redisNodes = cluster.redis.url.split(',').map((url) => new Redis(url));
  try {
    const provision = (prefix: string, roomSize: number) =>
      provisionUsers({
        directUrl: cluster.env.DATABASE_DIRECT_URL!,
        jwtSecret: cluster.env.JWT_SECRET!,
        count: RECEIVERS,
        prefix,
        roomSize,
      });
    const oneRoom = await measure(cluster, redisNodes, await provision('one', RECEIVERS), 'one');
    log(`  one room: ${oneRoom.perSecond} deliveries/s`);
    const manyRooms = await measure(cluster, redisNodes, await provision('many', ROOM_SIZE), 'many');
    log(`  many rooms: ${manyRooms.perSecond} deliveries/s`);
    return { topology: redisCluster ? '3-master Redis Cluster' : 'one redis-server', oneRoom, manyRooms };
  } finally {
    for (const r of redisNodes) r.disconnect();
    await cluster.stop();
  }
}

const results = [];
for (const redisCluster of [false, true]) {
  log(`running on ${redisCluster ? 'a 3-master Redis Cluster' : 'one redis-server'} …`);
  results.push(await run(redisCluster));
}
const machine = machineDescription();
const row = (name: string, w: Workload) =>
  `| ${name} | ${w.perSecond} | ${w.deliveries} in ${w.seconds} s | ${w.redisMicrosPerDelivery} | ${w.instancesMicrosPerDelivery} |`;
const report = [
  `# Fan-out: one redis-server vs a 3-master Redis Cluster (${new Date().toISOString().slice(0, 10)})`,
  '',
  `Machine: ${machine}. \`pnpm cluster\` topology: 2 instances behind Caddy, PgBouncer, Postgres (fsync off), sharded socket.io adapter; Redis 7.0 standalone, or 3 masters (no replicas) on the same machine. ${RECEIVERS} receivers through Caddy, ${MESSAGES} messages sent with acks (32 in flight) by a member of each room. Command: \`pnpm bench:redis-cluster -- --receivers ${RECEIVERS} --messages ${MESSAGES} --room-size ${ROOM_SIZE}\`.`,
  '',
  '| topology · workload | deliveries/s | deliveries | Redis CPU µs/delivery (all masters) | instances CPU µs/delivery |',
  '|---|---|---|---|---|',
  ...results.flatMap((r) => [
    row(`${r.topology} · one room of ${RECEIVERS}`, r.oneRoom),
    row(`${r.topology} · rooms of ${ROOM_SIZE}`, r.manyRooms),
  ]),
  '',
].join('\n');
log(`\n${report}`);
await mkdir(`${REPO_ROOT}loadtest/results`, { recursive: true });
const day = new Date().toISOString().slice(0, 10);
await writeFile(`${REPO_ROOT}loadtest/results/redis-cluster-${day}.md`, report);
await writeFile(
  `${REPO_ROOT}loadtest/results/redis-cluster-${day}.json`,
  `${JSON.stringify({ machine, results }, null, 2)}\n`,
);
