import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnLogged, stopProcess, waitUntil } from './processes.ts';

export interface RedisHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Stops and starts the same server on the same port (restart tests), `downMs` apart. */
  restart(downMs?: number): Promise<void>;
  /** Stops the server; the returned function starts it again on the same port (an outage). */
  outage(): Promise<() => Promise<void>>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      resolve(d.toString().startsWith('+PONG'));
      s.destroy();
    });
    s.on('error', () => resolve(false));
  });
}

/** A real redis-server (Debian's package) on a free loopback port, no persistence. */
export async function startRedis(opts: { port?: number; bin?: string } = {}): Promise<RedisHandle> {
  const port = opts.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'rc-redis-'));
  const bin = opts.bin ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ];
  let proc = spawnLogged(bin, args);
  const up = async () => {
    try {
      await waitUntil(`redis-server on ${port}`, () => ping(port), 10_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${proc.output()}`);
    }
  };
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await stopProcess(proc.child);
      await rm(dir, { recursive: true, force: true });
    },
    async restart(downMs = 0) {
      await stopProcess(proc.child);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      proc = spawnLogged(bin, args);
      await up();
    },
    async outage() {
      await stopProcess(proc.child);
      return async () => {
        proc = spawnLogged(bin, args);
        await up();
      };
    },
  };
}
