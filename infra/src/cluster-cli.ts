/**
 * `pnpm cluster [--instances N] [--port P] [--host-mode [--shards N]] [--redis-cluster] [--replica]`
 * — the whole topology on this machine, without Docker; `--host-mode` runs APP_TYPE=host with
 * tenants at `{slug}.localhost:PORT`, `--shards N` on N Postgres clusters (SHARDS);
 * `--redis-cluster` gives the instances a 3-master Redis Cluster; `--replica` a streaming read
 * replica of the Postgres (DATABASE_REPLICA_URL).
 * `pnpm cluster stop` — stops a cluster started elsewhere (reads the state file).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ClusterState } from './cluster.ts';
import { startCluster } from './cluster.ts';
import { postgresBinDir } from './postgres-server.ts';
import { isRoot } from './system-user.ts';

const POINTER = join(tmpdir(), 'rosterchirp-cluster.json');
const NEEDED: Array<[string, string]> = [
  ['redis-server', 'redis-server'],
  ['pgbouncer', 'pgbouncer'],
  ['caddy', 'caddy'],
];

function has(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ensurePackages(): void {
  const missing = NEEDED.filter(([bin]) => !has(bin)).map(([, pkg]) => pkg);
  try {
    postgresBinDir();
  } catch {
    missing.push('postgresql');
  }
  if (missing.length === 0) return;
  if (!isRoot()) {
    throw new Error(
      `Missing Debian packages: ${missing.join(' ')}. Install them: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  process.stdout.write(`Installing ${missing.join(' ')} …\n`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=600', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

async function stop(): Promise<void> {
  if (!existsSync(POINTER)) {
    process.stdout.write('No local cluster is running.\n');
    return;
  }
  const { stateFile } = JSON.parse(await readFile(POINTER, 'utf8')) as { stateFile: string };
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as ClusterState;
  // The runner owns everything; ending it tears the cluster down cleanly.
  try {
    process.kill(state.pids.runner!, 'SIGTERM');
    process.stdout.write(`Stopping the cluster (runner ${state.pids.runner}) …\n`);
  } catch {
    for (const pid of Object.values(state.pids)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    await rm(state.dir, { recursive: true, force: true });
    await rm(POINTER, { force: true });
    process.stdout.write('Runner was gone; killed what was left.\n');
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      instances: { type: 'string', short: 'n', default: '2' },
      port: { type: 'string', short: 'p' },
      'host-mode': { type: 'boolean', default: false },
      'redis-cluster': { type: 'boolean', default: false },
      replica: { type: 'boolean', default: false },
      shards: { type: 'string', default: '1' },
    },
  });
  if (positionals[0] === 'stop') return stop();
  const instances = Number(values.instances);
  if (!Number.isInteger(instances) || instances < 1 || instances > 16)
    throw new Error('--instances must be 1..16');
  const shards = Number(values.shards);
  if (!Number.isInteger(shards) || shards < 1 || shards > 8) throw new Error('--shards must be 1..8');
  if (shards > 1 && !values['host-mode']) throw new Error('--shards holds tenants: add --host-mode');
  ensurePackages();
  const redisKind = values['redis-cluster'] ? 'a 3-master Redis Cluster' : 'Redis';
  const postgresKind =
    (shards > 1 ? `${shards} Postgres clusters` : 'Postgres') +
    (values.replica ? ' with a streaming replica' : '');
  process.stdout.write(
    `Starting ${postgresKind}, PgBouncer, ${redisKind}, s3rver, ${instances} instance(s) and Caddy …\n`,
  );
  const cluster = await startCluster({
    instances,
    hostMode: values['host-mode'],
    redisCluster: values['redis-cluster'],
    replica: values.replica,
    shards,
    ...(values.port ? { port: Number(values.port) } : {}),
  });
  await writeFile(POINTER, JSON.stringify({ stateFile: cluster.stateFile }));
  const url = cluster.url.replace('127.0.0.1', 'localhost');
  process.stdout.write(
    `\n  RosterChirp cluster is up at ${url}\n` +
      `  sign in as ${cluster.admin.email} / ${cluster.admin.password}\n` +
      (cluster.hostAdminKey
        ? `  host control plane: ${url}/host  (admin key ${cluster.hostAdminKey}); tenants at http://{slug}.localhost:${new URL(url).port}\n`
        : '') +
      `  instances: ${cluster.instances.map((i) => `${i.name} :${i.port}`).join(', ')}\n` +
      `  state (ports, pids): ${cluster.stateFile}\n  logs: ${cluster.dir}/api-*.log\n` +
      `  health report: pnpm run doctor -- --env-file ${cluster.envFile} --url ${url}\n\n` +
      '  Ctrl-C or `pnpm cluster stop` tears it all down.\n',
  );
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping …\n');
    await cluster.stop();
    await rm(POINTER, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err: unknown) => {
  process.stderr.write(`cluster: ${(err as Error).message}\n`);
  process.exit(1);
});
