/**
 * `pnpm bench:tenants` — host mode at scale on the local cluster (APP_TYPE=host, 2 instances,
 * Caddy, PgBouncer, Redis): provisions N tenants through the control plane API and reports
 * seconds per tenant, the Postgres catalog's growth, an instance's start time and memory with N
 * schemas, the cost of a tenant's first and later requests on an instance, and a full
 * `pnpm migrate --all` pass. Writes loadtest/results/tenants-<date>.{md,json}.
 * Usage: pnpm bench:tenants [-- --tenants 1000 --concurrency 4]
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PG_TYPES } from '@rosterchirp/db';
import { type Cluster, REPO_ROOT, requestWithHost, startCluster } from '@rosterchirp/infra';
import pg from 'pg';
import { cpuSeconds, machine, rssKib, summary, treeCpuSeconds } from './lib/measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    tenants: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
  },
});
const TENANTS = Number(values.tenants);
const CONCURRENCY = Number(values.concurrency);
if (!Number.isInteger(TENANTS) || TENANTS < 1 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) {
  throw new Error('--tenants and --concurrency must be positive integers');
}

const started = Date.now();
const log = (msg: string) =>
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);
const round = (n: number, d = 1) => Number(n.toFixed(d));

async function catalog(cluster: Cluster) {
  const client = new pg.Client({ connectionString: cluster.env.DATABASE_DIRECT_URL, types: PG_TYPES });
  await client.connect();
  try {
    const q = async (sql: string) => Number(Object.values((await client.query(sql)).rows[0] as object)[0]);
    return {
      schemas: await q("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'"),
      pgClassRows: await q('SELECT count(*) FROM pg_class'),
      pgAttributeRows: await q('SELECT count(*) FROM pg_attribute'),
      catalogMiB: round(
        (await q(
          "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'pg_catalog'",
        )) /
          2 ** 20,
      ),
      databaseMiB: round((await q('SELECT pg_database_size(current_database())')) / 2 ** 20),
    };
  } finally {
    await client.end();
  }
}

async function main() {
  log(`starting the local cluster in host mode (2 instances); ${TENANTS} tenants, ${CONCURRENCY} at a time`);
  const cluster = await startCluster({
    instances: 2,
    hostMode: true,
    env: {
      LOG_LEVEL: 'warn',
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
      RATE_LIMIT_HOST_ADMIN_PER_MINUTE: '1000000',
    },
  });
  const base = cluster.url.replace('127.0.0.1', 'localhost');
  const controlHost = `localhost:${cluster.caddy.port}`;
  const tenantHost = (slug: string) => `${slug}.localhost:${cluster.caddy.port}`;
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: {
      tenants: TENANTS,
      concurrency: CONCURRENCY,
      instances: 2,
      path: 'control plane API → Caddy → instances → PgBouncer (queries) / Postgres direct (DDL)',
      postgres: 'Debian 15, fsync=off, synchronous_commit=off (local runner default)',
    },
  };
  try {
    const before = await catalog(cluster);
    const cpu0 = {
      pg: treeCpuSeconds(cluster.postgres.pid),
      api: cluster.instances.reduce((n, i) => n + cpuSeconds(i.pid), 0),
    };
    const createMs: number[] = [];
    const failures: string[] = [];
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (next < TENANTS) {
        const i = next++;
        const slug = `t${String(i).padStart(5, '0')}`;
        const t = performance.now();
        const res = await requestWithHost(base, controlHost, 'POST', '/api/host/tenants', {
          headers: { 'x-host-admin-key': cluster.hostAdminKey! },
          body: {
            slug,
            name: `Tenant ${i}`,
            plan: 'team',
            adminEmail: `admin@${slug}.invalid`,
            adminName: 'Admin',
            adminPassword: 'bench-password-1',
          },
        });
        if (res.status === 201) createMs.push(performance.now() - t);
        else failures.push(`${slug}: ${res.status} ${res.body.slice(0, 200)}`);
        if ((i + 1) % 100 === 0) log(`provisioned ${i + 1}/${TENANTS}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const provisionS = (performance.now() - t0) / 1000;
    const after = await catalog(cluster);
    const cpu1 = {
      pg: treeCpuSeconds(cluster.postgres.pid),
      api: cluster.instances.reduce((n, i) => n + cpuSeconds(i.pid), 0),
    };
    report.provisioning = {
      tenants: createMs.length,
      failures: failures.length,
      firstFailures: failures.slice(0, 5),
      seconds: round(provisionS),
      secondsPerTenant: round(provisionS / TENANTS, 3),
      tenantsPerSecond: round(TENANTS / provisionS, 2),
      createMs: Object.fromEntries(Object.entries(summary(createMs)).map(([k, v]) => [k, round(v)])),
      cpuSeconds: { postgres: round(cpu1.pg - cpu0.pg), instances: round(cpu1.api - cpu0.api) },
    };
    report.catalog = {
      before,
      after,
      perTenant: {
        pgClassRows: round((after.pgClassRows - before.pgClassRows) / TENANTS),
        pgAttributeRows: round((after.pgAttributeRows - before.pgAttributeRows) / TENANTS),
        databaseKiB: round(((after.databaseMiB - before.databaseMiB) * 1024) / TENANTS),
      },
    };
    log(`provisioned ${createMs.length} tenants in ${round(provisionS)} s (${failures.length} failures)`);

    // An instance started fresh with N schemas in the catalog: start time and memory.
    log('restarting instance 1');
    await cluster.instances[0]!.stop();
    const restartT = performance.now();
    const fresh = await cluster.restartInstance(0);
    const startMs = performance.now() - restartT;
    const rssFresh = rssKib(fresh.pid);
    // Every tenant's first request on this instance (cache miss, migration-version check),
    // then again (warm), straight to the instance so the numbers are one instance's.
    const direct = `http://127.0.0.1:${fresh.port}`;
    const touch = async () => {
      const ms: number[] = [];
      let bad = 0;
      for (let i = 0; i < TENANTS; i += 20) {
        await Promise.all(
          Array.from({ length: Math.min(20, TENANTS - i) }, async (_, k) => {
            const slug = `t${String(i + k).padStart(5, '0')}`;
            const t = performance.now();
            const res = await requestWithHost(direct, tenantHost(slug), 'GET', '/api/auth/me');
            ms.push(performance.now() - t);
            if (res.status !== 401) bad++;
          }),
        );
      }
      return {
        ms: Object.fromEntries(Object.entries(summary(ms)).map(([k, v]) => [k, round(v)])),
        unexpected: bad,
      };
    };
    const cold = await touch();
    const rssAfterTouch = rssKib(fresh.pid);
    const warm = await touch();
    report.instance = {
      startMs: Math.round(startMs),
      rssMiBAtStart: round(rssFresh / 1024),
      rssMiBAfterEveryTenant: round(rssAfterTouch / 1024),
      kibPerResolvedTenant: round((rssAfterTouch - rssFresh) / TENANTS),
      firstRequestPerTenant: cold,
      laterRequests: warm,
    };
    log(
      `instance start ${Math.round(startMs)} ms; RSS ${round(rssFresh / 1024)} → ${round(rssAfterTouch / 1024)} MiB after touching every tenant`,
    );

    log('pnpm migrate --all over every schema');
    const m0 = performance.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/migrate-cli.ts', '--all'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...cluster.env },
      encoding: 'utf8',
    });
    report.migrateAll = {
      seconds: round((performance.now() - m0) / 1000),
      exitCode: run.status,
      summary: run.stdout.trim().split('\n').at(-1),
    };
    log(`migrate --all: ${JSON.stringify(report.migrateAll)}`);
  } finally {
    await cluster.stop();
  }
  const day = new Date().toISOString().slice(0, 10);
  const dir = join(REPO_ROOT, 'loadtest', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `tenants-${day}.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, `tenants-${day}.md`), toMarkdown(report));
  process.stdout.write(`\n${toMarkdown(report)}\nwritten to loadtest/results/tenants-${day}.{md,json}\n`);
}

function toMarkdown(r: Record<string, unknown>): string {
  const j = (v: unknown) => `\`${JSON.stringify(v)}\``;
  const p = r.provisioning as Record<string, unknown>;
  const c = r.catalog as Record<string, Record<string, unknown>>;
  const i = r.instance as Record<string, unknown>;
  return `# Host mode at scale — ${String(r.date).slice(0, 10)}

Machine: ${r.machine}
Settings: ${j(r.settings)}
Reproduce: \`pnpm bench:tenants -- --tenants ${(r.settings as { tenants: number }).tenants}\`

| measure | result |
|---|---|
| provisioning (schema + 6 migrations + seed + plan, through the API) | ${p.tenants} tenants in ${p.seconds} s: **${p.secondsPerTenant} s/tenant**, ${p.tenantsPerSecond}/s; failures ${p.failures} |
| create latency ms | ${j(p.createMs)} |
| CPU seconds during provisioning | ${j(p.cpuSeconds)} |
| catalog before → after | ${j(c.before)} → ${j(c.after)} |
| per tenant | ${j(c.perTenant)} |
| instance start with every schema in the catalog | ${i.startMs} ms, RSS ${i.rssMiBAtStart} MiB |
| RSS after one request to every tenant | ${i.rssMiBAfterEveryTenant} MiB (${i.kibPerResolvedTenant} KiB per resolved tenant) |
| first request per tenant on a fresh instance (ms) | ${j(i.firstRequestPerTenant)} |
| later requests (ms) | ${j(i.laterRequests)} |
| \`pnpm migrate --all\` (all up to date) | ${j(r.migrateAll)} |
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:tenants failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
