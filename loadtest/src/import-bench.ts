/**
 * `pnpm bench:import [-- --people 1000 --senders 20 --rate 5]` — does a large CSV import stall
 * chat for everyone else? One instance of the local cluster (PgBouncer, Postgres, Redis).
 * S senders each send R messages a second to their own room over REST: first for a baseline
 * of 10 s, then while an admin imports P people (one argon2 hash each). Prints and writes
 * (loadtest/results/import-during-chat-<date>.md) the send latency of both phases and how
 * long the import took.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, startCluster } from '@rosterchirp/infra';
import type { Group, ImportUsersReply } from '@rosterchirp/protocol';
import { BENCH_ENV, json } from './lib/clients.ts';
import { cpuSeconds, machine, summary } from './lib/measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    people: { type: 'string', default: '1000' },
    senders: { type: 'string', default: '20' },
    rate: { type: 'string', default: '5' },
    'baseline-seconds': { type: 'string', default: '10' },
  },
});
const PEOPLE = Number(values.people);
const SENDERS = Number(values.senders);
const RATE = Number(values.rate);
const BASELINE_MS = Number(values['baseline-seconds']) * 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sender {
  token: string;
  groupId: number;
}

/** Every sender sends RATE messages a second (start-to-start) until `until()` says stop. */
async function chatWhile(url: string, senders: Sender[], until: () => boolean, tag: string) {
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    senders.map(async (s, i) => {
      const interval = 1000 / RATE;
      // Spread the senders over the first interval so sends do not arrive in bursts.
      await sleep((interval * i) / senders.length);
      for (let k = 0; !until(); k++) {
        const started = performance.now();
        const res = await fetch(`${url}/api/groups/${s.groupId}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clientId: `${tag}-${i}-${k}`, content: `${tag} message ${k} from ${i}` }),
        });
        await res.arrayBuffer();
        const took = performance.now() - started;
        if (res.status === 201) latencies.push(took);
        else errors++;
        await sleep(Math.max(0, interval - took));
      }
    }),
  );
  return { ...summary(latencies), errors };
}

function csvOf(people: number): string {
  const rows = ['name,email,role'];
  for (let i = 0; i < people; i++) rows.push(`"Imported, Person ${i}",imported-${i}@bench.invalid,member`);
  return rows.join('\n');
}

async function main() {
  const cluster = await startCluster({
    instances: 1,
    env: BENCH_ENV,
  });
  const instance = cluster.instances[0]!;
  try {
    const admin = (
      await json<{ token: string }>(instance.url, 'POST', '/api/auth/login', undefined, cluster.admin)
    ).token;
    const senders: Sender[] = [];
    for (let i = 0; i < SENDERS; i++) {
      const email = `chatter-${i}@bench.invalid`;
      await json(instance.url, 'POST', '/api/users', admin, {
        email,
        name: `Chatter ${i}`,
        password: 'password-123',
      });
      const { token } = await json<{ token: string }>(instance.url, 'POST', '/api/auth/login', undefined, {
        email,
        password: 'password-123',
      });
      const { group } = await json<{ group: Group }>(instance.url, 'POST', '/api/groups', token, {
        type: 'private',
        name: `room ${i}`,
      });
      senders.push({ token, groupId: group.id });
    }

    const baselineEnds = Date.now() + BASELINE_MS;
    const baseline = await chatWhile(instance.url, senders, () => Date.now() > baselineEnds, 'base');

    let importDone = false;
    const cpuBefore = cpuSeconds(instance.pid);
    const t0 = performance.now();
    const importing = json<ImportUsersReply>(instance.url, 'POST', '/api/users/import', admin, {
      csv: csvOf(PEOPLE),
      dryRun: false,
    }).finally(() => {
      importDone = true;
    });
    const during = await chatWhile(instance.url, senders, () => importDone, 'during');
    const result = await importing;
    const importSeconds = (performance.now() - t0) / 1000;
    const instanceCpu = cpuSeconds(instance.pid) - cpuBefore;

    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const row = (name: string, s: typeof baseline) =>
      `| ${name} | ${s.count} | ${s.errors} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`;
    const date = new Date().toISOString().slice(0, 10);
    const report = [
      `# Chat while importing ${PEOPLE} people — ${date}`,
      '',
      `Machine: ${machine()}. One instance of \`pnpm cluster\` (PgBouncer transaction mode, Postgres, Redis),`,
      `generator on the same machine. ${SENDERS} senders × ${RATE} sends/s over REST, each to its own room.`,
      `Command: \`pnpm bench:import -- --people ${PEOPLE} --senders ${SENDERS} --rate ${RATE}\`.`,
      '',
      '| phase | sends | errors | p50 | p95 | p99 | max |',
      '|---|---|---|---|---|---|---|',
      row(`baseline (${BASELINE_MS / 1000} s)`, baseline),
      row(`during the import (${importSeconds.toFixed(1)} s)`, during),
      '',
      `Import: ${result.created} of ${PEOPLE} created in ${importSeconds.toFixed(1)} s ` +
        `(${((importSeconds * 1000) / PEOPLE).toFixed(1)} ms a person); instance CPU during it ${instanceCpu.toFixed(1)} s.`,
      `Target: send p99 during the import under 100 ms — ${during.p99 < 100 ? 'met' : 'NOT met'}.`,
      '',
    ].join('\n');
    process.stdout.write(`${report}\n`);
    await writeFile(join(REPO_ROOT, 'loadtest', 'results', `import-during-chat-${date}.md`), report);
  } finally {
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`import bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
