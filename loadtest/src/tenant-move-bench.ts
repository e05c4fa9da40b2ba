/**
 * `pnpm bench:tenant-move [-- --messages 10000,100000]` — how long a tenant's writes wait while
 * `pnpm tenant:move` carries it to another shard, by tenant size. Local runner in host mode with
 * two Postgres clusters (fsync off) and one instance; per size a fresh tenant gets that many
 * messages (written straight in SQL), then the operator's command moves it while a sender posts
 * a message every 20 ms through the API; reported: the read-only window the command measures,
 * the whole command, and the sender's slowest answer meanwhile (all of its sends must succeed).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs, promisify } from 'node:util';
import { PG_TYPES } from '@rosterchirp/db';
import { REPO_ROOT, requestWithHost, startCluster } from '@rosterchirp/infra';
import pg from 'pg';
import { BENCH_ENV } from './lib/clients.ts';
import { machine as machineDescription } from './lib/measure.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { messages: { type: 'string', default: '10000,100000' } },
});
const SIZES = values.messages.split(',').map(Number);
const log = (line: string) => process.stdout.write(`${line}\n`);

const cluster = await startCluster({ instances: 1, hostMode: true, shards: 2, env: BENCH_ENV });
const results: Array<{
  messages: number;
  rows: number;
  tables: number;
  readOnlyMs: number;
  totalMs: number;
  sends: number;
  slowestSendMs: number;
  failedSends: number;
}> = [];
try {
  const main = new pg.Client({ connectionString: cluster.postgres.url, types: PG_TYPES });
  await main.connect();
  const control = (method: string, path: string, body?: unknown) =>
    requestWithHost(cluster.url, 'localhost', method, path, {
      ...(body === undefined ? {} : { body }),
      headers: { 'x-host-admin-key': cluster.hostAdminKey! },
    });
  for (const size of SIZES) {
    const slug = `move-${size}`;
    log(`${size}: creating the tenant`);
    const made = await control('POST', '/api/host/tenants', {
      slug,
      name: `Move ${size}`,
      plan: 'team',
      adminEmail: `admin@${slug}.test`,
      adminName: 'Admin',
      adminPassword: 'bench-password-123',
    });
    if (made.status !== 201) throw new Error(`create ${slug}: ${made.status} ${made.body}`);
    const { shard, schema } = JSON.parse(made.body).tenant as { shard: string; schema: string };
    // Each earlier tenant moved away, so main (fewest tenants) gets every new one.
    if (shard !== 'main') throw new Error(`${slug} was placed on ${shard}; the bench expects main`);
    // Written as rows, not as sends: the per-row triggers (change sequence, counters) are off
    // for this bulk load; the move copies rows as they are.
    await main.query('SET session_replication_role = replica');
    await main.query(
      `INSERT INTO "${schema}".messages (group_id, author_id, client_id, content)
       SELECT 1, 1, 'seed-' || g, 'message number ' || g || ' with some ordinary words in it' FROM generate_series(1, $1) g`,
      [size],
    );
    await main.query('SET session_replication_role = DEFAULT');
    log(`${size}: messages written; moving`);
    const host = `${slug}.localhost`;
    const login = await requestWithHost(cluster.url, host, 'POST', '/api/auth/login', {
      body: { email: `admin@${slug}.test`, password: 'bench-password-123' },
    });
    const token = (JSON.parse(login.body) as { token: string }).token;
    let sending = true;
    let sends = 0;
    let failed = 0;
    let slowest = 0;
    const sender = (async () => {
      for (let i = 0; sending; i++) {
        const t = performance.now();
        const res = await requestWithHost(cluster.url, host, 'POST', '/api/groups/1/messages', {
          token,
          body: { clientId: `during-${i}`, content: `sent during the move ${i}` },
        });
        slowest = Math.max(slowest, performance.now() - t);
        if (res.status === 201) sends++;
        else failed++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    let stdout = '';
    try {
      ({ stdout } = await run(
        process.execPath,
        [
          `--env-file=${cluster.envFile}`,
          '--import',
          'tsx',
          'apps/server/src/tenant-move-cli.ts',
          slug,
          'shard-2',
        ],
        { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'warn' }, maxBuffer: 1 << 24 },
      ));
    } catch (err) {
      log(`${size}: tenant:move failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`);
    } finally {
      await new Promise((r) => setTimeout(r, 200));
      sending = false;
      await sender;
    }
    const m = /(\d+) tables, (\d+) rows; writes waited (\d+) ms \(read-only window\), (\d+) ms in all/.exec(
      stdout,
    );
    if (!m) throw new Error(`unexpected output: ${stdout}`);
    const r = {
      messages: size,
      tables: Number(m[1]),
      rows: Number(m[2]),
      readOnlyMs: Number(m[3]),
      totalMs: Number(m[4]),
      sends,
      slowestSendMs: Math.round(slowest),
      failedSends: failed,
    };
    results.push(r);
    log(`${size} messages: ${JSON.stringify(r)}`);
  }
  await main.end();
} finally {
  await cluster.stop();
}

const machine = machineDescription();
const day = new Date().toISOString().slice(0, 10);
const report = [
  `# Moving a tenant between shards (${day})`,
  '',
  `Machine: ${machine}. Local runner: host mode, 1 instance, two Postgres 15 clusters on this machine (fsync off), PgBouncer in front of main. Per size a fresh tenant with that many messages (plus its seed rows) is moved main → shard-2 by \`pnpm tenant:move\` while a sender posts one message every 20 ms through the API. Command: \`pnpm bench:tenant-move -- --messages ${values.messages}\`.`,
  '',
  '| messages | rows copied | read-only window (writes wait) | whole command | sends during the move | slowest send | failed sends |',
  '|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.messages.toLocaleString('en')} | ${r.rows.toLocaleString('en')} | ${r.readOnlyMs} ms | ${r.totalMs} ms | ${r.sends} | ${r.slowestSendMs} ms | ${r.failedSends} |`,
  ),
  '',
].join('\n');
log(`\n${report}`);
await mkdir(`${REPO_ROOT}loadtest/results`, { recursive: true });
await writeFile(`${REPO_ROOT}loadtest/results/tenant-move-${day}.md`, report);
