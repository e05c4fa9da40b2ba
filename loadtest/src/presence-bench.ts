/**
 * `pnpm bench:presence [-- --steps 2500,5000,10000 --batch-ms 1000]` — people of one tenant
 * arriving together stay linear: the local cluster (2 instances, Redis), users connecting over
 * socket.io straight to the instances (one generator process: its 20,000 descriptors bound a
 * step at about 19,000) in steps (each step's new users all at once, 200 in flight), every
 * socket counting the presence events it receives. Per step: connect time p50/p99 per
 * connection, the step's total, and presence events received per connected socket. With
 * batching (`PRESENCE_BATCH_MS`) a socket hears about one event per second per instance however
 * many arrive; `--batch-ms 0` shows the old cost (one event per arrival to every socket).
 * Writes loadtest/results/presence-<date>.md.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, startCluster } from '@rosterchirp/infra';
import { provisionUsers } from './lib/bulk-users.ts';
import { BENCH_ENV, type ChatSocket, connect, sourceAddress } from './lib/clients.ts';
import { machine, summary } from './lib/measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    steps: { type: 'string', default: '2500,5000,10000' },
    'batch-ms': { type: 'string', default: '1000' },
    'in-flight': { type: 'string', default: '200' },
  },
});
const STEPS = values.steps.split(',').map(Number);
const BATCH_MS = Number(values['batch-ms']);
const IN_FLIGHT = Number(values['in-flight']);
const started = Date.now();
const log = (msg: string) =>
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);

async function main() {
  const cluster = await startCluster({
    instances: 2,
    env: { ...BENCH_ENV, PRESENCE_BATCH_MS: String(BATCH_MS) },
  });
  const sockets: ChatSocket[] = [];
  try {
    const users = await provisionUsers({
      directUrl: cluster.env.DATABASE_DIRECT_URL!,
      jwtSecret: cluster.env.JWT_SECRET!,
      count: Math.max(...STEPS),
      prefix: 'presence',
      roomSize: 50,
    });
    log(`${users.length} users provisioned`);
    let presenceEvents = 0;
    const rows: string[] = [];
    for (const target of STEPS) {
      const from = sockets.length;
      const eventsBefore = presenceEvents;
      const times: number[] = [];
      let next = from;
      const stepStart = performance.now();
      const lane = async () => {
        while (next < target) {
          const i = next++;
          const t0 = performance.now();
          // Straight to the instances, alternating: through one Caddy each WebSocket holds two of
          // its descriptors, and a process here may open at most 20,000.
          const instance = cluster.instances[i % cluster.instances.length]!;
          const socket = await connect(instance.url, users[i]!.token, sourceAddress(i));
          times.push(performance.now() - t0);
          socket.on('presence:changed', () => {
            presenceEvents++;
          });
          sockets.push(socket);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
      const stepSeconds = (performance.now() - stepStart) / 1000;
      // The last window's events arrive within a batch after the last connection.
      await new Promise((r) => setTimeout(r, BATCH_MS + 1500));
      const heard = presenceEvents - eventsBefore;
      const { p50, p99 } = summary(times);
      const row = `| ${from.toLocaleString('en')} → ${target.toLocaleString('en')} | ${stepSeconds.toFixed(1)} | ${p50.toFixed(0)} | ${p99.toFixed(0)} | ${heard.toLocaleString('en')} | ${(heard / target).toFixed(1)} |`;
      rows.push(row);
      log(row);
    }
    const date = new Date().toISOString().slice(0, 10);
    const report = [
      `# Presence: one tenant connecting together — ${date}`,
      '',
      `Machine: ${machine()}. \`pnpm cluster\` topology: 2 instances, Redis (sharded adapter), PgBouncer, Postgres; the generator (one Node process, ${IN_FLIGHT} connections in flight, 249 loopback source addresses) connects straight to the instances, alternating, on the same machine. \`PRESENCE_BATCH_MS=${BATCH_MS}\`. Command: \`pnpm bench:presence -- --steps ${values.steps} --batch-ms ${BATCH_MS}\`.`,
      '',
      '| users connected | step total s | connect p50 ms | connect p99 ms | presence events received (all sockets) | per connected socket |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n');
    process.stdout.write(`\n${report}\n`);
    await writeFile(
      join(REPO_ROOT, 'loadtest', 'results', `presence-${BATCH_MS === 0 ? 'unbatched-' : ''}${date}.md`),
      report,
    );
  } finally {
    for (const s of sockets) s.close();
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`presence bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
