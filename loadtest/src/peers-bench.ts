/**
 * `pnpm bench:peers [-- --connections 10000 --room-size 200 --publishes 1000]` — RosterChirp side
 * by side with a C peer, Nchan (nginx's pub/sub module, Debian's libnginx-mod-nchan, installed
 * here with apt when missing), under one generator shape: C WebSocket subscribers in rooms of
 * R, then P publishes spread over the rooms, each delivered to its room. One server process
 * each: nginx with one worker, one RosterChirp instance (its sends are persisted through
 * PgBouncer into Postgres and fanned out through Redis, Nchan's are not: both CPU figures are
 * printed), with socket.io subscribers and again with `/api/stream` ones. Prints memory per
 * connection (RSS growth; RosterChirp's read after full GCs), server CPU per delivery, and the ratios;
 * writes loadtest/results/peers-<date>.md. The report keeps the ratios: absolute numbers move
 * with the machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, REPO_ROOT, startCluster, stopProcess, waitUntil } from '@rosterchirp/infra';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { provisionUsers } from './lib/bulk-users.ts';
import {
  BENCH_ENV,
  type ChatSocket,
  connect,
  connectStream,
  restSender,
  sourceAddress,
  TRANSPORT_LABEL,
  type Transport,
} from './lib/clients.ts';
import {
  collectGarbage,
  cpuSeconds,
  GC_ON_SIGNAL_NODE_ARGS,
  machine,
  redisCpuSeconds,
  rssKib,
  treeCpuSeconds,
} from './lib/measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    connections: { type: 'string', default: '10000' },
    'room-size': { type: 'string', default: '200' },
    publishes: { type: 'string', default: '1000' },
  },
});
const CONNECTIONS = Number(values.connections);
const ROOM_SIZE = Number(values['room-size']);
const ROOMS = Math.ceil(CONNECTIONS / ROOM_SIZE);
const PUBLISHES = Number(values.publishes);
const IN_FLIGHT = 20;
const started = Date.now();
const log = (msg: string) =>
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);
/** A message of about the size of a RosterChirp `message:new` event. */
const body = (k: number) =>
  JSON.stringify({
    message: {
      id: k,
      groupId: k % ROOMS,
      content: `message ${k}: the quick brown fox jumps over the lazy dog`.repeat(3),
      author: { id: 1, name: 'Bench Publisher', avatarUrl: null },
      createdAt: new Date().toISOString(),
      reactions: [],
      mentions: [],
    },
  });

interface Side {
  name: string;
  connections: number;
  kibPerConnection: number;
  deliveries: number;
  seconds: number;
  /** Server CPU per delivery: the fan-out process alone, and with what persists (RosterChirp). */
  fanoutUsPerDelivery: number;
  totalUsPerDelivery: number;
}

const NCHAN_MODULE_DIRS = ['/usr/lib/nginx/modules', '/usr/share/nginx/modules'];
const nchanModule = () =>
  NCHAN_MODULE_DIRS.map((d) => join(d, 'ngx_nchan_module.so')).find((f) => existsSync(f));

/** Debian's nginx and Nchan, installed once (without starting the distribution's service). */
function ensureNchan(): string {
  const found = nchanModule();
  if (found && existsSync('/usr/sbin/nginx')) return found;
  log('installing nginx and libnginx-mod-nchan with apt-get');
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy)
    execFileSync('sh', ['-c', `printf '#!/bin/sh\\nexit 101\\n' > ${policy} && chmod +x ${policy}`]);
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx', 'libnginx-mod-nchan'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } finally {
    if (ownPolicy) execFileSync('rm', ['-f', policy]);
  }
  const module = nchanModule();
  if (!module) throw new Error('libnginx-mod-nchan installed, but ngx_nchan_module.so was not found');
  return module;
}

/** Processes whose parent is `pid` (nginx's workers). */
function childrenOf(pid: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

async function measureNchan(): Promise<Side> {
  const module = ensureNchan();
  const dir = await mkdtemp(join(tmpdir(), 'rc-nchan-'));
  const port = await freePort();
  for (const sub of ['client', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    await mkdir(join(dir, sub), { recursive: true });
  await writeFile(
    join(dir, 'nginx.conf'),
    `load_module ${module};
worker_processes 1;
worker_rlimit_nofile 20000;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 19000; }
http {
  access_log off;
  client_body_temp_path ${dir}/client; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location ~ ^/pub/(\\w+)$ { nchan_publisher; nchan_channel_id $1; nchan_message_buffer_length 5; nchan_message_timeout 60s; }
    location ~ ^/sub/(\\w+)$ { nchan_subscriber websocket; nchan_channel_id $1; }
  }
}
`,
  );
  const nginx = spawn('/usr/sbin/nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const sockets: WebSocket[] = [];
  try {
    await waitUntil(
      'nginx',
      async () => (await fetch(`${base}/pub/probe`, { method: 'POST', body: 'x' })).ok,
    );
    const worker = childrenOf(nginx.pid!)[0]!;
    const serverRss = () => rssKib(nginx.pid!) + rssKib(worker);
    const serverCpu = () => cpuSeconds(nginx.pid!) + cpuSeconds(worker);
    const rssBefore = serverRss();
    let received = 0;
    for (let i = 0; i < CONNECTIONS; i += 200) {
      await Promise.all(
        Array.from({ length: Math.min(200, CONNECTIONS - i) }, async (_, k) => {
          const n = i + k;
          const ws = new WebSocket(`ws://127.0.0.1:${port}/sub/room${n % ROOMS}`, {
            localAddress: sourceAddress(n),
          });
          ws.on('message', () => received++);
          await new Promise<void>((resolve, reject) => {
            ws.once('open', () => resolve());
            ws.once('error', reject);
          });
          sockets.push(ws);
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 2000));
    const kib = (serverRss() - rssBefore) / sockets.length;
    log(`nchan: ${sockets.length} subscribers held, ${kib.toFixed(1)} KiB each`);
    const { deliveries, seconds, cpu } = await publishAll(
      async (k) => {
        const res = await fetch(`${base}/pub/room${k % ROOMS}`, { method: 'POST', body: body(k) });
        await res.arrayBuffer();
        return res.ok;
      },
      () => received,
      serverCpu,
    );
    const us = (cpu * 1e6) / Math.max(1, deliveries);
    return {
      name: 'Nchan (nginx 1 worker)',
      connections: sockets.length,
      kibPerConnection: kib,
      deliveries,
      seconds,
      fanoutUsPerDelivery: us,
      totalUsPerDelivery: us,
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    await stopProcess(nginx);
    await rm(dir, { recursive: true, force: true });
  }
}

/** A held subscriber of either transport. */
interface Subscriber {
  close(): void;
}

/** A `/api/stream` subscriber (plain WebSocket, like Nchan's). */
const streamSubscriber = (base: string, token: string, n: number, onEvent: () => void) =>
  connectStream(base, token, { localAddress: sourceAddress(n), onEvent });

async function socketIoSubscriber(base: string, token: string, n: number, onMessage: () => void) {
  const s: ChatSocket = await connect(base, token, sourceAddress(n));
  s.on('message:new', onMessage);
  return { close: () => s.close() };
}

async function measureRosterChirp(transport: Transport): Promise<Side> {
  const cluster = await startCluster({
    instances: 1,
    env: BENCH_ENV,
    // SIGUSR2 → two full GCs: memory is read as what the connections keep, not handshake garbage.
    nodeArgs: GC_ON_SIGNAL_NODE_ARGS,
  });
  const sockets: Subscriber[] = [];
  const redis = new Redis(cluster.redis.url);
  try {
    const instance = cluster.instances[0]!;
    const users = await provisionUsers({
      directUrl: cluster.env.DATABASE_DIRECT_URL!,
      jwtSecret: cluster.env.JWT_SECRET!,
      count: CONNECTIONS,
      prefix: 'peer',
      roomSize: ROOM_SIZE,
    });
    await collectGarbage([instance.pid]);
    const rssBefore = rssKib(instance.pid);
    let received = 0;
    for (let i = 0; i < users.length; i += 200) {
      await Promise.all(
        users.slice(i, i + 200).map(async (u, k) => {
          const subscribe = transport === 'stream' ? streamSubscriber : socketIoSubscriber;
          sockets.push(await subscribe(instance.url, u.token, i + k, () => received++));
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 2000));
    await collectGarbage([instance.pid]);
    const kib = (rssKib(instance.pid) - rssBefore) / sockets.length;
    log(`rosterchirp (${transport}): ${sockets.length} subscribers held, ${kib.toFixed(1)} KiB each`);
    // One publisher per room: its first member.
    const publishers = new Map<number, string>();
    for (const u of users) if (!publishers.has(u.roomId)) publishers.set(u.roomId, u.token);
    const rooms = [...publishers.keys()];
    const rest = restSender(instance.url, IN_FLIGHT);
    const dependencies = async () =>
      treeCpuSeconds(cluster.postgres.pid) +
      cpuSeconds(cluster.pgbouncer.pid()) +
      (await redisCpuSeconds(redis));
    const deps0 = await dependencies();
    const { deliveries, seconds, cpu } = await publishAll(
      async (k) => {
        const room = rooms[k % rooms.length]!;
        const status = await rest.post(`/api/groups/${room}/messages`, publishers.get(room)!, {
          clientId: `peer-${k}`,
          content: `message ${k}: the quick brown fox jumps over the lazy dog`.repeat(3),
        });
        return status === 201;
      },
      () => received,
      () => cpuSeconds(instance.pid),
    );
    const depsCpu = (await dependencies()) - deps0;
    rest.close();
    return {
      name: `RosterChirp, ${TRANSPORT_LABEL[transport]} (1 instance; sends persisted)`,
      connections: sockets.length,
      kibPerConnection: kib,
      deliveries,
      seconds,
      fanoutUsPerDelivery: (cpu * 1e6) / Math.max(1, deliveries),
      totalUsPerDelivery: ((cpu + depsCpu) * 1e6) / Math.max(1, deliveries),
    };
  } finally {
    for (const s of sockets) s.close();
    redis.disconnect();
    await cluster.stop();
  }
}

/** P publishes, IN_FLIGHT at a time, then waits for every delivery; CPU of the fan-out process. */
async function publishAll(
  publish: (k: number) => Promise<boolean>,
  received: () => number,
  serverCpu: () => number,
): Promise<{ deliveries: number; seconds: number; cpu: number }> {
  const expected = received() + PUBLISHES * ROOM_SIZE;
  const cpu0 = serverCpu();
  const t0 = performance.now();
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < PUBLISHES) if (!(await publish(next++))) failed++;
    }),
  );
  const until = Date.now() + 60_000;
  while (received() < expected - failed * ROOM_SIZE && Date.now() < until)
    await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = serverCpu() - cpu0;
  const deliveries = received() - (expected - PUBLISHES * ROOM_SIZE);
  if (failed) log(`${failed} publishes failed`);
  return { deliveries, seconds, cpu };
}

async function main() {
  const nchan = await measureNchan();
  const ours = await measureRosterChirp('socketio');
  const stream = await measureRosterChirp('stream');
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const ratios = (s: Side) =>
    `memory per connection **${ratio(s.kibPerConnection, nchan.kibPerConnection)}×**, CPU per delivery of the fan-out process **${ratio(s.fanoutUsPerDelivery, nchan.fanoutUsPerDelivery)}×**, of all server processes **${ratio(s.totalUsPerDelivery, nchan.totalUsPerDelivery)}×**`;
  const row = (s: Side) =>
    `| ${s.name} | ${s.connections.toLocaleString('en')} | ${s.kibPerConnection.toFixed(1)} KiB | ${s.deliveries.toLocaleString('en')} in ${s.seconds.toFixed(1)} s | ${s.fanoutUsPerDelivery.toFixed(1)} µs | ${s.totalUsPerDelivery.toFixed(1)} µs |`;
  const md = `# RosterChirp beside Nchan — ${new Date().toISOString().slice(0, 10)}

**Machine**: ${machine()}; generator on the same box.
**Command**: \`pnpm bench:peers -- --connections ${CONNECTIONS} --room-size ${ROOM_SIZE} --publishes ${PUBLISHES}\`
**Shape**: ${CONNECTIONS.toLocaleString('en')} WebSocket subscribers in rooms of ${ROOM_SIZE}, ${PUBLISHES} publishes spread over the rooms (${IN_FLIGHT} in flight), each delivered to its whole room. Nchan: nginx with one worker, plain WebSockets, publishes by HTTP POST, nothing stored. RosterChirp: one instance, socket.io clients (the web client's transport) in one run and \`/api/stream\` clients (plain WebSockets, as Nchan's) in another, publishes are message sends by a member (REST), persisted through PgBouncer into Postgres and fanned out through the Redis adapter.

| server | connections | memory per connection | deliveries | CPU per delivery (fan-out process) | CPU per delivery (all server processes) |
|---|---|---|---|---|---|
${row(nchan)}
${row(ours)}
${row(stream)}

**Ratios (RosterChirp ÷ Nchan)**: socket.io: ${ratios(ours)}; \`/api/stream\`: ${ratios(stream)}.
`;
  const file = join(REPO_ROOT, 'loadtest', 'results', `peers-${new Date().toISOString().slice(0, 10)}.md`);
  await writeFile(file, md);
  process.stdout.write(`\n${md}\nwritten to ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`peers bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
