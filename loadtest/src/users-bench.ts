/**
 * `pnpm bench:users [-- --steps 1000,2000,4000,8000,12000,16000,20000 --instances 2 --step-seconds 30 --statements]`
 * — Mattermost's user model alone (scenarios/user-model.ts) against the local cluster, stepped
 * up until a step fails their health rule. Prints every step and the CPU each process used,
 * and writes loadtest/results/users-<date>.md. With --statements, Postgres' statements per action.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, startCluster } from '@rosterchirp/infra';
import { Redis } from 'ioredis';
import pg from 'pg';
import { BENCH_ENV } from './lib/clients.ts';
import { cpuSeconds, machine, redisCpuSeconds, treeCpuSeconds } from './lib/measure.ts';
import { resetStatements, STATEMENT_STATS_SETTINGS, statementsReport } from './lib/pg-statements.ts';
import { HEALTH, runUserModel } from './scenarios/user-model.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    steps: { type: 'string', default: '1000,2000,4000,8000,12000,16000,20000' },
    instances: { type: 'string', default: '2' },
    'step-seconds': { type: 'string', default: '30' },
    statements: { type: 'boolean', default: false },
  },
});
const STEPS = values.steps.split(',').map(Number);
const started = Date.now();
const log = (msg: string) =>
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);

async function main() {
  const cluster = await startCluster({
    instances: Number(values.instances),
    env: BENCH_ENV,
    ...(values.statements ? { postgresSettings: STATEMENT_STATS_SETTINGS } : {}),
  });
  const redis = new Redis(cluster.redis.url);
  const direct = new pg.Client({ connectionString: cluster.postgres.url });
  await direct.connect();
  try {
    if (values.statements) await resetStatements(direct);
    const cpu = async () => ({
      instances: cluster.instances.reduce((n, i) => n + cpuSeconds(i.pid), 0),
      postgres: treeCpuSeconds(cluster.postgres.pid),
      pgbouncer: cpuSeconds(cluster.pgbouncer.pid()),
      redis: await redisCpuSeconds(redis),
      caddy: cpuSeconds(cluster.caddy.pid),
    });
    const before = await cpu();
    const model = await runUserModel(cluster, {
      steps: STEPS,
      stepSeconds: Number(values['step-seconds']),
      meanIntervalMs: 20_000,
      log,
    });
    const after = await cpu();
    const actions = model.steps.reduce((n, s) => n + s.actions, 0);
    if (values.statements) process.stdout.write(await statementsReport(direct, actions, 'action'));
    const used = Object.fromEntries(
      Object.entries(after).map(([k, v]) => [k, Number((v - before[k as keyof typeof before]).toFixed(1))]),
    );
    const rows = model.steps.map(
      (s) =>
        `| ${s.users.toLocaleString('en')} | ${s.connectSeconds} s (${s.connectRetries} retries) | ${s.actions} | ${s.avgMs} ms | ${s.p50Ms} ms | ${s.p99Ms} ms | ${s.errors} | ${s.healthy ? 'healthy' : '**unhealthy**'} |`,
    );
    const verdict = model.firstUnhealthy
      ? `**${model.maxHealthyUsers.toLocaleString('en')} users** held; ${model.firstUnhealthy.users.toLocaleString('en')} failed the rule`
      : `**every step healthy, up to ${model.maxHealthyUsers.toLocaleString('en')} users**`;
    const md = `# Mattermost's user model, stepped up — ${new Date().toISOString().slice(0, 10)}

**Machine**: ${machine()}; the generator processes, Caddy, ${values.instances} instances, PgBouncer, Postgres and Redis share it.
**Command**: \`pnpm bench:users -- --steps ${values.steps} --instances ${values.instances} --step-seconds ${values['step-seconds']}\`
**Rule** (Mattermost's): average action latency < ${HEALTH.avgMs} ms, p99 < ${HEALTH.p99Ms} ms, errors < ${HEALTH.errorRate * 100} %.
Every user holds a socket.io WebSocket through a front door (Caddy) and does one action every ~20 s:
post 40 %, view history 40 %, list conversations 15 %, mark read 5 %.

Result: ${verdict}.

| users | connected in | actions | avg | p50 | p99 | errors | verdict |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

CPU seconds over the whole run: ${JSON.stringify(used)} (Caddy: the cluster's own front door only).
`;
    const file = join(REPO_ROOT, 'loadtest', 'results', `users-${new Date().toISOString().slice(0, 10)}.md`);
    await writeFile(file, md);
    process.stdout.write(`\n${md}\nwritten to ${file}\n`);
  } finally {
    await direct.end();
    redis.disconnect();
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`users bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
