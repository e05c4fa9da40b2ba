import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, spawnLogged, stopProcess, waitUntil } from './processes.ts';
import { asPostgres, giveToPostgres } from './system-user.ts';

export interface PostgresHandle {
  port: number;
  /** Direct URL of the application database. */
  url: string;
  pid: number;
  stop(): Promise<void>;
  /** Stops it (fast shutdown: open transactions roll back) and starts it on the same port and data. */
  restart(): Promise<void>;
}

export function postgresBinDir(): string {
  for (const v of ['17', '16', '15']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(`${dir}/postgres`)) return dir;
  }
  throw new Error('Debian PostgreSQL not found under /usr/lib/postgresql (apt-get install postgresql)');
}

/** Debian's Postgres in `dir` on a free loopback port, trust auth, fsync as asked. */
export async function startPostgres(opts: {
  dir: string;
  database: string;
  durable?: boolean;
  /** Extra `name=value` server settings, e.g. `shared_preload_libraries=pg_stat_statements`. */
  settings?: string[];
  /**
   * A streaming replica of the Postgres on this port (read-only, hot standby): its data
   * directory is a `pg_basebackup -R` of the primary instead of a fresh initdb.
   */
  replicaOf?: number;
}): Promise<PostgresHandle> {
  const bin = postgresBinDir();
  const data = join(opts.dir, 'data');
  const sockets = join(opts.dir, 'sockets');
  await mkdir(sockets, { recursive: true });
  await chmod(opts.dir, 0o755);
  giveToPostgres(opts.dir, sockets);
  if (!existsSync(join(data, 'PG_VERSION')) && opts.replicaOf !== undefined) {
    const [cmd, args] = asPostgres(`${bin}/pg_basebackup`, [
      '-h',
      '127.0.0.1',
      '-p',
      String(opts.replicaOf),
      '-U',
      'postgres',
      '-D',
      data,
      '-R', // standby.signal + primary_conninfo: follow the primary
      '-X',
      'stream',
      '-c',
      'fast',
    ]);
    execFileSync(cmd, args, { stdio: 'pipe' });
  } else if (!existsSync(join(data, 'PG_VERSION'))) {
    const [cmd, args] = asPostgres(`${bin}/initdb`, [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ]);
    execFileSync(cmd, args, { stdio: 'pipe' });
  }
  const port = await freePort();
  const settings = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'max_connections=300',
    '-k',
    sockets,
    '-p',
    String(port),
  ];
  // A standby tells the primary which rows its queries still read, so replay never cancels them.
  if (opts.replicaOf !== undefined) settings.push('-c', 'hot_standby_feedback=on');
  for (const setting of opts.settings ?? []) settings.push('-c', setting);
  if (!opts.durable)
    settings.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const [cmd, args] = asPostgres(`${bin}/postgres`, ['-D', data, ...settings]);
  let proc = spawnLogged(cmd, args);
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const up = async () => {
    try {
      await waitUntil(`postgres on ${port}`, async () => {
        const c = new pg.Client({ connectionString: admin });
        c.on('error', () => undefined);
        await c.connect();
        await c.end();
        return true;
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${proc.output()}`);
    }
  };
  await up();
  if (opts.replicaOf === undefined) {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
    if (exists.rowCount === 0) await c.query(`CREATE DATABASE "${opts.database.replace(/"/g, '')}"`);
    await c.end();
  }
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/${opts.database}`,
    get pid() {
      return proc.child.pid!;
    },
    stop: () => stopProcess(proc.child, 10_000),
    async restart() {
      // SIGINT is Postgres's fast shutdown (SIGTERM would wait for PgBouncer's connections).
      const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
      proc.child.kill('SIGINT');
      await exited;
      proc = spawnLogged(cmd, args);
      await up();
    },
  };
}
