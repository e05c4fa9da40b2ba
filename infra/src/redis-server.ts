import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnLogged, stopProcess, waitUntil } from './processes.ts';

const run = promisify(execFile);

export interface RedisHandle {
  /** `redis://127.0.0.1:PORT`; for a cluster, every master's URL separated by commas. */
  url: string;
  /** A Redis Cluster (REDIS_CLUSTER=true for the instances), not one server. */
  cluster: boolean;
  port: number;
  stop(): Promise<void>;
  /** Stops and starts the same server on the same port (restart tests), `downMs` apart. */
  restart(downMs?: number): Promise<void>;
  /** Stops the server; the returned function starts it again on the same port (an outage). */
  outage(): Promise<() => Promise<void>>;
  /** FLUSHALL (on every master of a cluster): contract tests start empty. */
  flush(): Promise<void>;
}

/** `redis-cli -p PORT …` on loopback; resolves with its output. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 30_000 });
  return stdout;
}

export function ping(port: number): Promise<boolean> {
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

/** redis-server on loopback `port`, no persistence (no RDB, no AOF), files under `dir`. */
export function redisServerArgs(port: number, dir: string): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
}

/** A real redis-server (Debian's package) on a free loopback port, no persistence. */
export async function startRedis(opts: { port?: number; bin?: string } = {}): Promise<RedisHandle> {
  const port = opts.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'rc-redis-'));
  const bin = opts.bin ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const args = redisServerArgs(port, dir);
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
    cluster: false,
    port,
    async flush() {
      await redisCli(port, 'flushall');
    },
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
