import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, type Spawned, spawnLogged, stopProcess, waitUntil } from './processes.ts';
import { asPostgres, giveToPostgres } from './system-user.ts';

export interface PgBouncerHandle {
  port: number;
  url: string;
  pid(): number;
  stop(): Promise<void>;
  /** Stops and starts it again on the same port (failure tests). */
  restart(): Promise<void>;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

/**
 * PgBouncer in transaction mode in front of Postgres (docs/CLUSTER.md invariant 2). Debian 12's 1.18
 * has no prepared-statement support in this mode, so clients must use unnamed statements.
 */
export async function startPgBouncer(opts: {
  dir: string;
  postgresPort: number;
  /** The database served, or `*` for every database of the server (one shared test server). */
  database: string;
  poolSize?: number;
}): Promise<PgBouncerHandle> {
  const port = await freePort();
  const ini = join(opts.dir, 'pgbouncer.ini');
  const users = join(opts.dir, 'userlist.txt');
  await writeFile(users, '"postgres" ""\n');
  await writeFile(
    ini,
    `[databases]
${opts.database === '*' ? '*' : opts.database} = host=127.0.0.1 port=${opts.postgresPort}${opts.database === '*' ? '' : ` dbname=${opts.database}`}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${users}
pool_mode = transaction
default_pool_size = ${opts.poolSize ?? 40}
max_client_conn = 5000
server_reset_query =
server_login_retry = 1
ignore_startup_parameters = extra_float_digits,statement_timeout,options
admin_users = postgres
`,
  );
  giveToPostgres(ini, users);
  let proc: Spawned;
  const start = async () => {
    const [cmd, args] = asPostgres('pgbouncer', [ini]);
    proc = spawnLogged(cmd, args);
    try {
      await waitUntil(`pgbouncer on ${port}`, () => listening(port));
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${proc.output()}`);
    }
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/${opts.database}`,
    pid: () => proc.child.pid!,
    stop: () => stopProcess(proc.child),
    async restart() {
      await stopProcess(proc.child);
      await start();
    },
  };
}
