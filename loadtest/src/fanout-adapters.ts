/**
 * Classic vs sharded socket.io Redis adapter, on the real local cluster (2 instances, Caddy,
 * PgBouncer, Redis). Two scenarios:
 *   broadcast — receivers on both instances in one public channel; deliveries/s end to end;
 *   local rooms — private groups whose members all sit on instance 1; what instance 2 pays
 *   for traffic it has no member for (CPU seconds, bytes Redis sends out).
 * Usage: node --import tsx loadtest/src/fanout-adapters.ts [--messages 400] [--receivers 200]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type Cluster, REPO_ROOT, startCluster } from '@rosterchirp/infra';
import type { Group, SendAck } from '@rosterchirp/protocol';
import { Redis } from 'ioredis';
import { BENCH_CONNECTION_LIMITS, type ChatSocket, connect, json } from './lib/clients.ts';
import { cpuSeconds, machine as machineDescription } from './lib/measure.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '400' },
    receivers: { type: 'string', default: '200' },
    rooms: { type: 'string', default: '50' },
  },
});
const MESSAGES = Number(values.messages);
const RECEIVERS = Number(values.receivers);
const ROOMS = Number(values.rooms);

async function sendAll(sender: ChatSocket, groupIds: number[], total: number, tag: string) {
  const window = 32;
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const ack = await new Promise<SendAck>((resolve) =>
        sender.emit(
          'message:send',
          { groupId: groupIds[i % groupIds.length]!, clientId: `${tag}-${i}`, content: `m${i}` },
          resolve,
        ),
      );
      if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
}

interface Result {
  adapter: string;
  broadcast: { deliveries: number; seconds: number; perSecond: number; api1Cpu: number; api2Cpu: number };
  localRooms: { messages: number; seconds: number; api2CpuIdle: number; redisBytesOut: number };
}

async function run(adapter: 'classic' | 'sharded'): Promise<Result> {
  const cluster: Cluster = await startCluster({
    instances: 2,
    env: {
      ...BENCH_CONNECTION_LIMITS,
      FANOUT_ADAPTER: adapter,
      RATE_LIMIT_SEND_PER_10S: '1000000',
      LOG_LEVEL: 'warn',
    },
  });
  try {
    const [api1, api2] = cluster.instances as [Cluster['instances'][0], Cluster['instances'][0]];
    const { token } = await json<{ token: string }>(cluster.url, 'POST', '/api/auth/login', undefined, {
      email: cluster.admin.email,
      password: cluster.admin.password,
    });
    const { groups } = await json<{ groups: Group[] }>(cluster.url, 'GET', '/api/groups', token);
    const general = groups.find((g) => g.type === 'public')!.id;

    // Broadcast: half the receivers on each instance, sender on instance 1.
    const receivers = await Promise.all(
      Array.from({ length: RECEIVERS }, (_, i) => connect(i % 2 === 0 ? api1.url : api2.url, token)),
    );
    const expected = RECEIVERS * MESSAGES;
    let delivered = 0;
    let done: () => void = () => undefined;
    const all = new Promise<void>((resolve) => {
      done = resolve;
    });
    for (const r of receivers) {
      r.on('message:new', () => {
        if (++delivered === expected) done();
      });
    }
    const sender = await connect(api1.url, token);
    const cpu1 = cpuSeconds(api1.pid);
    const cpu2 = cpuSeconds(api2.pid);
    const t0 = performance.now();
    await sendAll(sender, [general], MESSAGES, `b-${adapter}`);
    await all;
    const seconds = (performance.now() - t0) / 1000;
    const broadcast = {
      deliveries: expected,
      seconds,
      perSecond: Math.round(expected / seconds),
      api1Cpu: cpuSeconds(api1.pid) - cpu1,
      api2Cpu: cpuSeconds(api2.pid) - cpu2,
    };
    for (const r of receivers) r.close();

    // Local rooms: members only on instance 1; instance 2 has no member in any of them.
    const roomIds: number[] = [];
    for (let i = 0; i < ROOMS; i++) {
      const { group } = await json<{ group: Group }>(api1.url, 'POST', '/api/groups', token, {
        type: 'private',
        name: `room ${i}`,
      });
      roomIds.push(group.id);
    }
    const local = await Promise.all(Array.from({ length: 20 }, () => connect(api1.url, token)));
    const redis = new Redis(cluster.redis.url);
    const bytesBefore = Number(/total_net_output_bytes:(\d+)/.exec(await redis.info('stats'))![1]);
    const idle2 = cpuSeconds(api2.pid);
    const t1 = performance.now();
    await sendAll(sender, roomIds, MESSAGES, `l-${adapter}`);
    const localSeconds = (performance.now() - t1) / 1000;
    const bytesAfter = Number(/total_net_output_bytes:(\d+)/.exec(await redis.info('stats'))![1]);
    const result = {
      messages: MESSAGES,
      seconds: localSeconds,
      api2CpuIdle: cpuSeconds(api2.pid) - idle2,
      redisBytesOut: bytesAfter - bytesBefore,
    };
    redis.disconnect();
    for (const s of [...local, sender]) s.close();
    return { adapter, broadcast, localRooms: result };
  } finally {
    await cluster.stop();
  }
}

const results: Result[] = [];
for (const adapter of ['classic', 'sharded'] as const) {
  process.stdout.write(`running ${adapter} …\n`);
  results.push(await run(adapter));
}
const machine = machineDescription();
const lines = [
  `# socket.io Redis adapter: classic vs sharded (${new Date().toISOString().slice(0, 10)})`,
  '',
  `Machine: ${machine}. Local cluster (2 instances, PgBouncer, Postgres fsync off, Redis 7), generator in the same machine.`,
  `Broadcast: ${RECEIVERS} receivers (half per instance) in one channel, ${MESSAGES} messages sent with acks (32 in flight) from instance 1.`,
  `Local rooms: ${MESSAGES} messages over ${ROOMS} private groups whose members are all on instance 1.`,
  '',
  '| adapter | broadcast deliveries/s | broadcast s | api-1 CPU s | api-2 CPU s | local rooms: api-2 CPU s | local rooms: Redis bytes out |',
  '|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.adapter} | ${r.broadcast.perSecond} | ${r.broadcast.seconds.toFixed(2)} | ${r.broadcast.api1Cpu.toFixed(2)} | ${r.broadcast.api2Cpu.toFixed(2)} | ${r.localRooms.api2CpuIdle.toFixed(2)} | ${r.localRooms.redisBytesOut} |`,
  ),
  '',
];
const report = lines.join('\n');
process.stdout.write(`\n${report}\n`);
await mkdir(`${REPO_ROOT}loadtest/results`, { recursive: true });
await writeFile(`${REPO_ROOT}loadtest/results/fanout-adapters.md`, report);
await writeFile(
  `${REPO_ROOT}loadtest/results/fanout-adapters.json`,
  `${JSON.stringify({ machine, results }, null, 2)}\n`,
);
