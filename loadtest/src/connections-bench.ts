/**
 * `pnpm bench:connections [-- --connections 50000 --instances 3 --generators 3 --hold 30]` —
 * how many idle socket.io connections this machine holds, generator included. Generators are
 * separate processes (each process is capped by the open-file hard limit, 20,000 here, which
 * cannot be raised inside this sandbox) connecting straight to the instances: through one
 * Caddy the cap would be ~10,000 (two descriptors per proxied WebSocket). Reports connections
 * held, connect latency, server memory per connection, what stayed connected after the hold
 * (heartbeats answered), and CPU. Writes loadtest/results/connections-<date>.{md,json}.
 */
import { fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, startCluster } from '@rosterchirp/infra';
import { Redis } from 'ioredis';
import { BENCH_CONNECTION_LIMITS, json, TRANSPORT_LABEL, type Transport } from './lib/clients.ts';
import {
  collectGarbage,
  cpuSeconds,
  GC_ON_SIGNAL_NODE_ARGS,
  heapUsedBytes,
  machine,
  redisCpuSeconds,
  rssKib,
  summary,
} from './lib/measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    connections: { type: 'string', default: '50000' },
    instances: { type: 'string', default: '3' },
    generators: { type: 'string', default: '3' },
    hold: { type: 'string', default: '30' },
    transport: { type: 'string', default: 'socketio' },
  },
});
const CONNECTIONS = Number(values.connections);
const INSTANCES = Number(values.instances);
const GENERATORS = Number(values.generators);
const HOLD_S = Number(values.hold);
const TRANSPORT = values.transport as Transport;
if (!(TRANSPORT in TRANSPORT_LABEL)) throw new Error('--transport is socketio or stream');
const started = Date.now();
const log = (m: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);

type WorkerMsg =
  | { type: 'started'; held: number; failures: number; connectMs: number[]; rssMib: number }
  | { type: 'report'; alive: number; disconnects: number }
  | { type: 'closed' };

async function main() {
  log(
    `cluster with ${INSTANCES} instances; ${CONNECTIONS} connections from ${GENERATORS} generator processes`,
  );
  const cluster = await startCluster({
    instances: INSTANCES,
    // SIGUSR2 → two full GCs, so memory is read without the handshakes' garbage.
    nodeArgs: GC_ON_SIGNAL_NODE_ARGS,
    env: {
      ...BENCH_CONNECTION_LIMITS,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
      PRESENCE_TTL_MS: '60000',
    },
  });
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: {
      connections: CONNECTIONS,
      instances: INSTANCES,
      generators: GENERATORS,
      holdSeconds: HOLD_S,
      transport: TRANSPORT,
      path: 'generators → instances (no Caddy)',
    },
  };
  const workers = Array.from({ length: GENERATORS }, () =>
    fork(join(REPO_ROOT, 'loadtest/src/lib/idle-worker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      cwd: REPO_ROOT,
    }),
  );
  const ask = <T extends WorkerMsg['type']>(w: (typeof workers)[number], msg: object, reply: T) =>
    new Promise<Extract<WorkerMsg, { type: T }>>((resolve) => {
      const on = (m: WorkerMsg) => {
        if (m.type !== reply) return;
        w.off('message', on);
        resolve(m as Extract<WorkerMsg, { type: T }>);
      };
      w.on('message', on);
      w.send(msg);
    });
  try {
    const token = (
      await json<{ token: string }>(cluster.url, 'POST', '/api/auth/login', undefined, cluster.admin)
    ).token;
    const urls = cluster.instances.map((i) => i.url);
    const pids = cluster.instances.map((i) => i.pid);
    await collectGarbage(pids);
    const rssBefore = cluster.instances.reduce((n, i) => n + rssKib(i.pid), 0);
    // Heap used: memory that is JS objects.
    const heapUsed = () => heapUsedBytes(urls);
    const heapBefore = await heapUsed();
    const cpu0 = cluster.instances.reduce((n, i) => n + cpuSeconds(i.pid), 0);
    const t0 = performance.now();
    const per = Math.ceil(CONNECTIONS / GENERATORS);
    const results = await Promise.all(
      workers.map((w, g) =>
        ask(
          w,
          {
            type: 'start',
            urls,
            token,
            count: Math.min(per, CONNECTIONS - g * per),
            offset: g * per,
            transport: TRANSPORT,
          },
          'started',
        ),
      ),
    );
    const connectSeconds = (performance.now() - t0) / 1000;
    const held = results.reduce((n, r) => n + r.held, 0);
    const failures = results.reduce((n, r) => n + r.failures, 0);
    log(`held ${held} (${failures} failed) in ${connectSeconds.toFixed(1)} s; holding ${HOLD_S} s`);
    // What idle connections cost while nothing happens: heartbeats, presence refreshes, timers.
    const redis = new Redis(cluster.redis.url);
    const redisCpu = () => redisCpuSeconds(redis);
    const instancesCpu = () => cluster.instances.reduce((n, i) => n + cpuSeconds(i.pid), 0);
    const hold0 = { instances: instancesCpu(), redis: await redisCpu() };
    await new Promise((r) => setTimeout(r, HOLD_S * 1000));
    const idleCpuPercent = {
      instances: Number((((instancesCpu() - hold0.instances) / HOLD_S) * 100).toFixed(1)),
      redis: Number(((((await redisCpu()) - hold0.redis) / HOLD_S) * 100).toFixed(1)),
    };
    redis.disconnect();
    await collectGarbage(pids);
    const rssAfter = cluster.instances.reduce((n, i) => n + rssKib(i.pid), 0);
    const heapAfter = await heapUsed();
    const after = await Promise.all(workers.map((w) => ask(w, { type: 'report' }, 'report')));
    report.connections = {
      held,
      failures,
      connectSeconds: Number(connectSeconds.toFixed(1)),
      connectMs: summary(results.flatMap((r) => r.connectMs)),
      aliveAfterHold: after.reduce((n, r) => n + r.alive, 0),
      disconnectsDuringHold: after.reduce((n, r) => n + r.disconnects, 0),
      serverKibPerConnection: Number(((rssAfter - rssBefore) / Math.max(1, held)).toFixed(1)),
      serverHeapKibPerConnection: Number(((heapAfter - heapBefore) / 1024 / Math.max(1, held)).toFixed(1)),
      serverRssMib: Math.round(rssAfter / 1024),
      generatorRssMib: results.map((r) => Math.round(r.rssMib)),
      instanceCpuSeconds: Number((instancesCpu() - cpu0).toFixed(1)),
      idleCpuPercent,
    };
    log(`report: ${JSON.stringify(report.connections)}`);
    await Promise.all(workers.map((w) => ask(w, { type: 'close' }, 'closed')));
  } finally {
    for (const w of workers) w.kill();
    await cluster.stop();
  }
  const day = new Date().toISOString().slice(0, 10);
  const dir = join(REPO_ROOT, 'loadtest', 'results');
  await mkdir(dir, { recursive: true });
  const name = TRANSPORT === 'stream' ? `connections-stream-${day}` : `connections-${day}`;
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const c = report.connections as Record<string, unknown> & { connectMs: ReturnType<typeof summary> };
  await writeFile(
    join(dir, `${name}.md`),
    `# Idle connections (${TRANSPORT_LABEL[TRANSPORT]}) — ${day}

Machine: ${report.machine}; generators, instances, PgBouncer, Postgres and Redis share it.
Settings: \`${JSON.stringify(report.settings)}\`
Reproduce: \`pnpm bench:connections -- --connections ${CONNECTIONS} --instances ${INSTANCES} --generators ${GENERATORS}${TRANSPORT === 'stream' ? ' --transport stream' : ''}\`

| measure | result |
|---|---|
| connections held | **${c.held}** of ${CONNECTIONS} (${c.failures} failed) in ${c.connectSeconds} s |
| connect latency ms | p50 ${c.connectMs.p50.toFixed(0)}, p95 ${c.connectMs.p95.toFixed(0)}, p99 ${c.connectMs.p99.toFixed(0)} |
| still connected after ${HOLD_S} s (heartbeats answered) | ${c.aliveAfterHold} (${c.disconnectsDuringHold} disconnects) |
| server memory | **${c.serverKibPerConnection} KiB per connection** (RSS growth; JS heap used: ${c.serverHeapKibPerConnection} KiB; both read after two full GCs); ${c.serverRssMib} MiB RSS over ${INSTANCES} instances |
| generator memory | ${JSON.stringify(c.generatorRssMib)} MiB per process |
| instance CPU while connecting and holding | ${c.instanceCpuSeconds} s |
| CPU while idle (during the hold, % of one core) | ${JSON.stringify(c.idleCpuPercent)} |
`,
  );
  log(`written to loadtest/results/${name}.md`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:connections failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
