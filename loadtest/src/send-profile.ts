/**
 * `pnpm bench:send-profile [-- --senders 50 --per-sender 100 --cpu-prof --statements]` — where a
 * message send's CPU goes. One instance of the local cluster (PgBouncer, Postgres, Redis), S REST
 * senders straight to the instance, each in its own room; prints CPU per send of the instance,
 * Postgres (all backends), PgBouncer, Redis and the generator. With --statements Postgres loads
 * pg_stat_statements and the statements per send are listed by time. With --cpu-prof the instance runs
 * under node's profiler and the top functions by self time are printed (profile kept in
 * loadtest/results/profiles/).
 */
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, startCluster } from '@rosterchirp/infra';
import type { Group, User } from '@rosterchirp/protocol';
import { Redis } from 'ioredis';
import pg from 'pg';
import { BENCH_ENV, json, restSender } from './lib/clients.ts';
import { cpuSeconds, redisCpuSeconds, treeCpuSeconds } from './lib/measure.ts';
import { resetStatements, STATEMENT_STATS_SETTINGS, statementsReport } from './lib/pg-statements.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    senders: { type: 'string', default: '50' },
    'per-sender': { type: 'string', default: '100' },
    'cpu-prof': { type: 'boolean', default: false },
    statements: { type: 'boolean', default: false },
  },
});
const SENDERS = Number(values.senders);
const PER = Number(values['per-sender']);
const PROFILE_DIR = join(REPO_ROOT, 'loadtest', 'results', 'profiles');

async function main() {
  if (values['cpu-prof']) await mkdir(PROFILE_DIR, { recursive: true });
  const cluster = await startCluster({
    instances: 1,
    env: BENCH_ENV,
    // Counting statements costs Postgres time of its own: only when asked.
    ...(values.statements ? { postgresSettings: STATEMENT_STATS_SETTINGS } : {}),
    ...(values['cpu-prof'] ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] } : {}),
  });
  const instance = cluster.instances[0]!;
  try {
    const admin = (
      await json<{ token: string }>(instance.url, 'POST', '/api/auth/login', undefined, cluster.admin)
    ).token;
    const people: Array<{ token: string; user: User }> = [];
    for (let i = 0; i < SENDERS; i++) {
      const email = `sender-${i}@bench.invalid`;
      await json(instance.url, 'POST', '/api/users', admin, {
        email,
        name: `Sender ${i}`,
        password: 'password-123',
      });
      people.push(
        await json(instance.url, 'POST', '/api/auth/login', undefined, { email, password: 'password-123' }),
      );
    }
    const rooms = await Promise.all(
      people.map((p, i) =>
        json<{ group: Group }>(instance.url, 'POST', '/api/groups', p.token, {
          type: 'private',
          name: `room ${i}`,
        }),
      ),
    );
    const redis = new Redis(cluster.redis.url);
    const direct = new pg.Client({ connectionString: cluster.postgres.url });
    await direct.connect();
    if (values.statements) await resetStatements(direct);
    const before = {
      redis: await redisCpuSeconds(redis),
      instance: cpuSeconds(instance.pid),
      postgres: treeCpuSeconds(cluster.postgres.pid),
      pgbouncer: cpuSeconds(cluster.pgbouncer.pid()),
      generator: process.cpuUsage(),
    };
    const t0 = performance.now();
    let errors = 0;
    const sender = restSender(instance.url, SENDERS);
    await Promise.all(
      people.map(async (p, i) => {
        for (let k = 0; k < PER; k++) {
          const status = await sender
            .post(`/api/groups/${rooms[i]!.group.id}/messages`, p.token, {
              clientId: `s-${i}-${k}`,
              content: `message ${k} from sender ${i}`,
            })
            .catch(() => 0);
          if (status !== 201) errors++;
        }
      }),
    );
    sender.close();
    const seconds = (performance.now() - t0) / 1000;
    const sends = SENDERS * PER;
    const gen = process.cpuUsage(before.generator);
    const spent = {
      instance: cpuSeconds(instance.pid) - before.instance,
      postgres: treeCpuSeconds(cluster.postgres.pid) - before.postgres,
      pgbouncer: cpuSeconds(cluster.pgbouncer.pid()) - before.pgbouncer,
      redis: (await redisCpuSeconds(redis)) - before.redis,
    };
    const total = spent.instance + spent.postgres + spent.pgbouncer + spent.redis;
    const perSend = (cpuS: number) => `${((cpuS * 1e6) / sends).toFixed(0)} µs`;
    process.stdout.write(
      `${sends} sends (${errors} errors) in ${seconds.toFixed(2)} s = ${Math.round(sends / seconds)}/s\n` +
        `CPU per send: total ${perSend(total)} = instance ${perSend(spent.instance)}, ` +
        `postgres ${perSend(spent.postgres)}, pgbouncer ${perSend(spent.pgbouncer)}, ` +
        `redis ${perSend(spent.redis)}; generator ${perSend((gen.user + gen.system) / 1e6)}\n`,
    );
    if (values.statements) process.stdout.write(await statementsReport(direct, sends, 'send'));
    redis.disconnect();
    await direct.end();
  } finally {
    await cluster.stop();
  }
  if (values['cpu-prof']) await printTopFunctions();
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Self time by function of the instance's main thread: the largest profile of the newest run. */
async function printTopFunctions() {
  const files = (await readdir(PROFILE_DIR)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const run = files.at(-1)?.split('.').slice(0, 4).join('.');
  const sizes = await Promise.all(
    files
      .filter((f) => run && f.startsWith(run))
      .map(async (f) => ({ f, size: (await stat(join(PROFILE_DIR, f))).size })),
  );
  const newest = sizes.sort((a, b) => b.size - a.size)[0]?.f;
  if (!newest) return;
  const profile = JSON.parse(await readFile(join(PROFILE_DIR, newest), 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const where = frame.url.replace(/.*node_modules\/\.pnpm\/([^/]+).*/, '$1').replace(REPO_ROOT, '');
    const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber}`;
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  process.stdout.write(`\nTop self time in ${join('loadtest/results/profiles', newest)}:\n`);
  for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    process.stdout.write(`${((t / total) * 100).toFixed(1).padStart(5)} %  ${key}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`send-profile failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
