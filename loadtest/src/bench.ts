/**
 * `pnpm bench`: the local cluster (Postgres → PgBouncer, Redis, s3rver, N instances, Caddy) under
 * the product's load shapes, from one Node process on loopback; writes loadtest/results/<date>.{md,json}.
 *   idle      — C connections held through Caddy, socket.io first and /api/stream last (after
 *               the crash, on restarted instances): connect latency, server KiB per connection
 *               (read after full GCs in the instances)
 *   fanout    — those receivers in one channel across instances, M messages: deliveries/s and
 *               server CPU per delivery, for each transport
 *   persist   — S concurrent REST senders, each in its own room: persisted messages/s
 *   latency   — a fixed rate into rooms of 10: send→deliver p50/p95/p99 (same clock)
 *   users     — Mattermost's user model (one action per user every ~20 s), stepped up until
 *               their health rule fails: how many users the cluster holds
 *   crash     — an instance SIGKILLed mid-run: lost and duplicated messages (goal: 0 and 0)
 * Usage: pnpm bench [-- --instances 2 --connections 5000 --quick --statements]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Cluster, REPO_ROOT, startCluster } from '@rosterchirp/infra';
import type { Group, Message, SendAck, User } from '@rosterchirp/protocol';
import pg from 'pg';
import {
  BENCH_ENV,
  type ChatSocket,
  connect,
  connectStream,
  json,
  restSender,
  sourceAddress,
  TRANSPORT_LABEL,
  type Transport,
} from './lib/clients.ts';
import {
  collectGarbage,
  cpuSeconds,
  GC_ON_SIGNAL_NODE_ARGS,
  heapUsedBytes,
  machine,
  rssKib,
  summary,
  treeCpuSeconds,
} from './lib/measure.ts';
import { resetStatements, STATEMENT_STATS_SETTINGS, statementsReport } from './lib/pg-statements.ts';
import { type KillInstanceResult, runKillInstance } from './scenarios/kill-instance.ts';
import { HEALTH, runUserModel, type UserModelStep } from './scenarios/user-model.ts';

const { values } = parseArgs({
  // pnpm passes a literal "--" before the script's own options.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    instances: { type: 'string', default: '2' },
    connections: { type: 'string', default: '5000' },
    quick: { type: 'boolean', default: false },
    /** Counts Postgres' statements (pg_stat_statements) and prints them per user-model action. */
    statements: { type: 'boolean', default: false },
  },
});
const INSTANCES = Number(values.instances);
const QUICK = values.quick;
const CONNECTIONS = QUICK ? 500 : Number(values.connections);

const started = Date.now();
const log = (msg: string) =>
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);

function cpuOf(cluster: Cluster) {
  return {
    instances: cluster.instances.reduce((n, i) => n + cpuSeconds(i.pid), 0),
    postgres: treeCpuSeconds(cluster.postgres.pid),
    caddy: cpuSeconds(cluster.caddy.pid),
    generator: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
  };
}
function cpuDelta(a: ReturnType<typeof cpuOf>, b: ReturnType<typeof cpuOf>) {
  return Object.fromEntries(
    Object.entries(b).map(([k, v]) => [k, Number((v - a[k as keyof typeof a]).toFixed(2))]),
  );
}

async function users(cluster: Cluster, admin: string, n: number, prefix: string) {
  const out: Array<{ token: string; user: User }> = [];
  for (let i = 0; i < n; i += 10) {
    const batch = Array.from({ length: Math.min(10, n - i) }, (_, k) => i + k);
    out.push(
      ...(await Promise.all(
        batch.map(async (k) => {
          const email = `${prefix}-${k}@bench.invalid`;
          const password = `${prefix}-password-${k}`;
          await json(cluster.url, 'POST', '/api/users', admin, {
            email,
            name: `Bench ${prefix} ${k}`,
            password,
          });
          return json<{ token: string; user: User }>(cluster.url, 'POST', '/api/auth/login', undefined, {
            email,
            password,
          });
        }),
      )),
    );
  }
  return out;
}

const send = (s: ChatSocket, groupId: number, clientId: string, content: string) =>
  new Promise<SendAck>((resolve) => s.emit('message:send', { groupId, clientId, content }, resolve));

async function main() {
  log(`starting the local cluster with ${INSTANCES} instance(s)`);
  const cluster = await startCluster({
    instances: INSTANCES,
    env: BENCH_ENV,
    // SIGUSR2 → two full GCs: memory per connection is read as what the connections keep.
    nodeArgs: GC_ON_SIGNAL_NODE_ARGS,
    ...(values.statements ? { postgresSettings: STATEMENT_STATS_SETTINGS } : {}),
  });
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: {
      instances: INSTANCES,
      adapter: 'sharded',
      postgres: 'Debian 15, fsync=off, synchronous_commit=off (local runner default)',
      pgbouncer: 'transaction mode, pool 40',
      path: 'clients → Caddy → instances',
    },
  };
  try {
    const admin = (
      await json<{ token: string }>(cluster.url, 'POST', '/api/auth/login', undefined, cluster.admin)
    ).token;
    const general = (await json<{ groups: Group[] }>(cluster.url, 'GET', '/api/groups', admin)).groups.find(
      (g) => g.type === 'public',
    )!.id;

    const gcInstances = () => collectGarbage(cluster.instances.map((i) => i.pid));
    const heapUsed = () => heapUsedBytes(cluster.instances.map((i) => i.url));
    const idles: unknown[] = [];
    const fanouts: unknown[] = [];
    report.idle = idles;
    report.fanout = fanouts;
    // idle and fanout, with socket.io receivers (the web client) here and with /api/stream
    // receivers (plain WebSockets) last, on restarted instances: the same connections, the same
    // public channel.
    const idleAndFanout = async (transport: Transport) => {
      const name = TRANSPORT_LABEL[transport];
      log(`idle (${name}): opening ${CONNECTIONS} connections through Caddy`);
      const connectMs: number[] = [];
      let delivered = 0;
      let expected = Number.POSITIVE_INFINITY;
      let done: () => void = () => undefined;
      const held: Array<{ close(): void }> = [];
      let failures = 0;
      const onMessage = () => void (++delivered === expected && done());
      const open = async (n: number) => {
        if (transport === 'stream')
          return connectStream(cluster.url, admin, { localAddress: sourceAddress(n), onEvent: onMessage });
        const s = await connect(cluster.url, admin, sourceAddress(n));
        s.on('message:new', onMessage);
        return s;
      };
      // Warm-up: the first connections load and compile what every later one uses.
      for (const s of await Promise.all(Array.from({ length: 50 }, (_, n) => open(n)))) s.close();
      await new Promise((r) => setTimeout(r, 500));
      await gcInstances();
      const rssBefore = cluster.instances.map((i) => rssKib(i.pid));
      const heapBefore = await heapUsed();
      for (let i = 0; i < CONNECTIONS; i += 100) {
        await Promise.all(
          Array.from({ length: Math.min(100, CONNECTIONS - i) }, async (_, k) => {
            const t = performance.now();
            try {
              held.push(await open(i + k));
              connectMs.push(performance.now() - t);
            } catch {
              failures++;
            }
          }),
        );
      }
      await new Promise((r) => setTimeout(r, 2000));
      await gcInstances();
      const rssAfter = cluster.instances.map((i) => rssKib(i.pid));
      const addedKib = rssAfter.reduce((n, v, i) => n + v - rssBefore[i]!, 0);
      const addedHeapKib = ((await heapUsed()) - heapBefore) / 1024;
      const idle = {
        transport: name,
        connections: held.length,
        failures,
        connectMs: summary(connectMs),
        serverKibPerConnection: Number((addedKib / Math.max(1, held.length)).toFixed(1)),
        serverHeapKibPerConnection: Number((addedHeapKib / Math.max(1, held.length)).toFixed(1)),
        generatorRssMib: Math.round(process.memoryUsage().rss / 2 ** 20),
      };
      idles.push(idle);
      log(
        `idle (${name}): ${held.length} held, ${idle.serverHeapKibPerConnection} KiB of heap (${idle.serverKibPerConnection} KiB RSS) per connection on the servers`,
      );

      // fanout: the idle connections are all in the tenant room, so a public-channel message reaches every one.
      const messages = QUICK ? 50 : 200;
      expected = held.length * messages;
      const all = new Promise<void>((r) => {
        done = r;
      });
      const sender = await connect(cluster.url, admin);
      const cpuStart = cpuOf(cluster);
      const start = performance.now();
      for (let i = 0; i < messages; i += 10) {
        await Promise.all(
          Array.from({ length: 10 }, (_, k) =>
            send(sender, general, `fan-${transport}-${i + k}`, `fan-out ${i + k}`),
          ),
        );
      }
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise((r) => (giveUp = setTimeout(r, 120_000)))]);
      clearTimeout(giveUp);
      const seconds = (performance.now() - start) / 1000;
      const cpuSeconds = cpuDelta(cpuStart, cpuOf(cluster));
      const serverCpu = cpuSeconds.instances! + cpuSeconds.postgres! + cpuSeconds.caddy!;
      const fanout = {
        transport: name,
        receivers: held.length,
        messages,
        deliveries: delivered,
        expected,
        seconds: Number(seconds.toFixed(2)),
        deliveriesPerSecond: Math.round(delivered / seconds),
        serverUsPerDelivery: Number(((serverCpu * 1e6) / Math.max(1, delivered)).toFixed(1)),
        cpuSeconds,
      };
      fanouts.push(fanout);
      log(`fanout (${name}): ${fanout.deliveriesPerSecond} deliveries/s (${delivered}/${expected})`);
      sender.close();
      for (const s of held) s.close();
      await new Promise((r) => setTimeout(r, 2000));
    };
    await idleAndFanout('socketio');

    // persist
    const senders = QUICK ? 20 : 50;
    const perSender = QUICK ? 20 : 100;
    const people = await users(cluster, admin, senders, 'persist');
    const rooms = await Promise.all(
      people.map((p, i) =>
        json<{ group: Group }>(cluster.url, 'POST', '/api/groups', p.token, {
          type: 'private',
          name: `persist ${i}`,
        }),
      ),
    );
    let cpu0 = cpuOf(cluster);
    const t0 = performance.now();
    let errors = 0;
    const rest = restSender(cluster.url, senders);
    await Promise.all(
      people.map(async (p, i) => {
        for (let k = 0; k < perSender; k++) {
          const status = await rest
            .post(`/api/groups/${rooms[i]!.group.id}/messages`, p.token, {
              clientId: `p-${i}-${k}`,
              content: `persist ${k}`,
            })
            .catch(() => 0);
          if (status !== 201) errors++;
        }
      }),
    );
    rest.close();
    const seconds = (performance.now() - t0) / 1000;
    report.persist = {
      senders,
      messages: senders * perSender,
      errors,
      seconds: Number(seconds.toFixed(2)),
      persistedPerSecond: Math.round((senders * perSender - errors) / seconds),
      cpuSeconds: cpuDelta(cpu0, cpuOf(cluster)),
    };
    log(`persist: ${Math.round((senders * perSender - errors) / seconds)} messages/s, ${errors} errors`);

    // latency at a fixed rate: rooms of 10 (1 sender + 9 receivers), receivers on both instances.
    const roomsCount = QUICK ? 5 : 20;
    const members = await users(cluster, admin, roomsCount * 10, 'latency');
    const latencies: number[] = [];
    const sockets: ChatSocket[] = [];
    const senderSockets: Array<{ socket: ChatSocket; groupId: number }> = [];
    for (let r = 0; r < roomsCount; r++) {
      const group = members.slice(r * 10, r * 10 + 10);
      const room = await json<{ group: Group }>(cluster.url, 'POST', '/api/groups', group[0]!.token, {
        type: 'private',
        name: `latency ${r}`,
        memberIds: group.slice(1).map((m) => m.user.id),
      });
      for (const [k, m] of group.entries()) {
        const s = await connect(cluster.instances[k % cluster.instances.length]!.url, m.token);
        sockets.push(s);
        if (k === 0) senderSockets.push({ socket: s, groupId: room.group.id });
        else
          s.on('message:new', ({ message }: { message: Message }) =>
            latencies.push(Date.now() - Date.parse(message.createdAt)),
          );
      }
    }
    const rate = QUICK ? 200 : 1000;
    const durationS = QUICK ? 3 : 10;
    log(`latency: ${rate} msg/s for ${durationS} s into ${roomsCount} rooms of 10`);
    cpu0 = cpuOf(cluster);
    const sendFailures: string[] = [];
    const tick = 20;
    const perTick = (rate * tick) / 1000;
    let sent = 0;
    const end = Date.now() + durationS * 1000;
    while (Date.now() < end) {
      const slot = Date.now();
      for (let k = 0; k < perTick; k++) {
        const target = senderSockets[sent % senderSockets.length]!;
        const n = sent++;
        void send(target.socket, target.groupId, `lat-${n}`, `latency ${n}`).then((a) => {
          if (!a.ok) sendFailures.push(a.error.code);
        });
      }
      await new Promise((r) => setTimeout(r, Math.max(0, tick - (Date.now() - slot))));
    }
    await new Promise((r) => setTimeout(r, 2000));
    report.latency = {
      targetRate: rate,
      sent,
      received: latencies.length,
      expected: sent * 9,
      sendFailures: sendFailures.length,
      sendToDeliverMs: summary(latencies),
      cpuSeconds: cpuDelta(cpu0, cpuOf(cluster)),
    };
    const lat = (report.latency as { sendToDeliverMs: ReturnType<typeof summary> }).sendToDeliverMs;
    log(
      `latency: p50 ${lat.p50} ms, p95 ${lat.p95} ms, p99 ${lat.p99} ms over ${latencies.length} deliveries`,
    );
    for (const s of sockets) s.close();

    // users: Mattermost's user model, stepped up.
    const steps = QUICK ? [100, 200] : [250, 500, 1000, 2000, 4000, 8000, 12000, 16000, 20000];
    const stepSeconds = QUICK ? 10 : 30;
    log(`users: steps ${steps.join(', ')} of ${stepSeconds} s, one action per user every ~20 s`);
    cpu0 = cpuOf(cluster);
    const direct = new pg.Client({ connectionString: cluster.postgres.url });
    await direct.connect();
    if (values.statements) await resetStatements(direct);
    const model = await runUserModel(cluster, { steps, stepSeconds, meanIntervalMs: 20_000, log });
    if (values.statements) {
      const actions = model.steps.reduce((n, s) => n + s.actions, 0);
      process.stdout.write(await statementsReport(direct, actions, 'user-model action'));
    }
    await direct.end();
    report.users = { ...model, health: HEALTH, cpuSeconds: cpuDelta(cpu0, cpuOf(cluster)) };

    // crash: an instance dies mid-run (it restarts the instance).
    log('crash: rooms of 10 on socket.io with acks; instance 1 SIGKILLed a third of the way in');
    report.crash = await runKillInstance(cluster, {
      rooms: QUICK ? 5 : 20,
      roomSize: 10,
      seconds: QUICK ? 6 : 15,
      rate: QUICK ? 50 : 200,
      log,
    });
    log(`crash: ${JSON.stringify(report.crash)}`);

    // Last, on restarted instances (memory the other scenarios freed would otherwise be reused
    // unseen): idle and fanout with /api/stream receivers.
    for (let i = 0; i < cluster.instances.length; i++) {
      await cluster.instances[i]!.stop();
      await cluster.restartInstance(i);
    }
    await new Promise((r) => setTimeout(r, 3000));
    await idleAndFanout('stream');
  } finally {
    await cluster.stop();
  }
  const date = new Date().toISOString().slice(0, 10);
  const dir = join(REPO_ROOT, 'loadtest', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${date}${QUICK ? '-quick' : ''}.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, `${date}${QUICK ? '-quick' : ''}.md`), toMarkdown(report));
  log(`report written to loadtest/results/${date}${QUICK ? '-quick' : ''}.md`);
}

function toMarkdown(r: Record<string, unknown>): string {
  const idles = r.idle as Array<Record<string, unknown> & { connectMs: ReturnType<typeof summary> }>;
  const fans = r.fanout as Array<Record<string, unknown>>;
  const per = r.persist as Record<string, unknown>;
  const lat = r.latency as Record<string, unknown> & { sendToDeliverMs: ReturnType<typeof summary> };
  return `# RosterChirp benchmark (${String(r.date).slice(0, 10)})

Machine: ${r.machine}. Generator, Caddy, instances, PgBouncer, Postgres and Redis share it.
Settings: ${JSON.stringify(r.settings)}

| scenario | result |
|---|---|
${idles
  .map(
    (idle) =>
      `| idle connections (${idle.transport}) | ${idle.connections} held (${idle.failures} failed), connect p50 ${idle.connectMs.p50.toFixed(0)} ms / p95 ${idle.connectMs.p95.toFixed(0)} ms, **${idle.serverHeapKibPerConnection} KiB of JS heap per connection** on the servers (RSS growth ${idle.serverKibPerConnection} KiB, noisy at this count: \`pnpm bench:connections\` measures memory at 50,000–100,000; both after full GCs), generator ${idle.generatorRssMib} MiB |`,
  )
  .join('\n')}
${fans
  .map(
    (fan) =>
      `| fan-out (${fan.transport} receivers) | **${fan.deliveriesPerSecond} deliveries/s** (${fan.deliveries}/${fan.expected} to ${fan.receivers} receivers, ${fan.messages} messages, ${fan.seconds} s); server CPU (instances, Caddy, Postgres) **${fan.serverUsPerDelivery} µs per delivery**; CPU s ${JSON.stringify(fan.cpuSeconds)} |`,
  )
  .join('\n')}
| persist | **${per.persistedPerSecond} messages/s** stored (${per.messages} REST sends by ${per.senders} senders, ${per.errors} errors); CPU s ${JSON.stringify(per.cpuSeconds)} |
| users (Mattermost model) | ${usersLine(r.users as { steps: UserModelStep[]; maxHealthyUsers: number; cpuSeconds: unknown })} |
| crash (instance SIGKILLed) | ${crashLine(r.crash as KillInstanceResult)} |
| latency @ ${lat.targetRate}/s | send→deliver **p50 ${lat.sendToDeliverMs.p50} ms, p95 ${lat.sendToDeliverMs.p95} ms, p99 ${lat.sendToDeliverMs.p99} ms** (${lat.received}/${lat.expected} deliveries, ${lat.sendFailures} send failures); CPU s ${JSON.stringify(lat.cpuSeconds)} |

Reproduce: \`pnpm bench\` (\`-- --quick\` for a one-minute smoke run).
`;
}

function usersLine(u: { steps: UserModelStep[]; maxHealthyUsers: number; cpuSeconds: unknown }): string {
  const steps = u.steps
    .map(
      (x) =>
        `${x.users}: avg ${x.avgMs} / p99 ${x.p99Ms} ms, ${x.errors}/${x.actions} errors, connected in ${x.connectSeconds} s${x.healthy ? '' : ' ✗'}`,
    )
    .join('; ');
  const last = u.steps.at(-1);
  const held = last?.healthy ? `≥ ${u.maxHealthyUsers} (every step healthy)` : String(u.maxHealthyUsers);
  return `**${held} users** held under Mattermost's health rule (avg < 100 ms, p99 < 2 s, errors < 0.025 %; they publish 217 per 2-vCPU app node). Steps: ${steps}; CPU s ${JSON.stringify(u.cpuSeconds)}`;
}

function crashLine(c: KillInstanceResult): string {
  return `**${c.lost} lost, ${c.storedTwice} stored twice, ${c.ackedButMissing} acknowledged but missing** — ${c.sent} sends in ${c.seconds} s by ${c.rooms} senders to ${c.clients} members (${c.stored} stored), ${c.reconnects} reconnects, ${c.retries} send retries, ${c.overlappingDeliveries} deliveries that arrived both live and by catch-up (kept once by id)`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
