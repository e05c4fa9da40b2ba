import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Spawned, spawnLogged, stopProcess, waitUntil } from './processes.ts';
import { ping, type RedisHandle, redisCli, redisServerArgs } from './redis-server.ts';

export interface RedisClusterHandle extends RedisHandle {
  cluster: true;
  /** Every master's port, in the order the slots were assigned. */
  ports: number[];
  /** Stops one master (its slots fail until it is back); returns what starts it again. */
  stopNode(i: number): Promise<() => Promise<void>>;
}

/**
 * A real Redis Cluster from Debian's redis-server: `masters` nodes with `cluster-enabled yes`
 * on free loopback ports, joined with `redis-cli --cluster create` (no replicas), slots spread
 * evenly. Each node keeps its `nodes.conf` in its own directory, so a stopped node started
 * again rejoins the same cluster. No persistence of data.
 */
export async function startRedisCluster(
  opts: { masters?: number; bin?: string } = {},
): Promise<RedisClusterHandle> {
  const count = opts.masters ?? 3;
  if (count < 3) throw new Error('redis-cli --cluster create needs at least 3 masters');
  const bin = opts.bin ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const root = await mkdtemp(join(tmpdir(), 'rc-redis-cluster-'));
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const argsOf = (port: number) => {
    return [
      ...redisServerArgs(port, join(root, String(port))),
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '2000',
    ];
  };
  const procs = new Map<number, Spawned>();
  const startNode = async (port: number) => {
    await mkdir(join(root, String(port)), { recursive: true });
    const proc = spawnLogged(bin, argsOf(port));
    procs.set(port, proc);
    try {
      await waitUntil(`redis-server (cluster node) on ${port}`, () => ping(port), 10_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${proc.output()}`);
    }
  };
  const cli = redisCli;
  const clusterOk = async () => {
    for (const port of ports) {
      const info = await cli(port, 'cluster', 'info');
      if (!/cluster_state:ok/.test(info)) return false;
    }
    return true;
  };
  const stopAll = async () => {
    for (const proc of procs.values()) await stopProcess(proc.child);
  };
  try {
    await Promise.all(ports.map(startNode));
    await cli(
      ports[0]!,
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    );
    await waitUntil('Redis Cluster state ok on every node', clusterOk, 20_000);
  } catch (err) {
    await stopAll();
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const restartAll = async () => {
    await Promise.all(ports.map(startNode));
    await waitUntil('Redis Cluster state ok again', clusterOk, 20_000);
  };
  return {
    url: ports.map((p) => `redis://127.0.0.1:${p}`).join(','),
    cluster: true,
    port: ports[0]!,
    ports,
    async flush() {
      for (const port of ports) await cli(port, 'flushall');
    },
    async stopNode(i: number) {
      const port = ports[i]!;
      await stopProcess(procs.get(port)!.child);
      return async () => {
        await startNode(port);
        await waitUntil('Redis Cluster state ok again', clusterOk, 20_000);
      };
    },
    async stop() {
      await stopAll();
      await rm(root, { recursive: true, force: true });
    },
    async restart(downMs = 0) {
      await stopAll();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await restartAll();
    },
    async outage() {
      await stopAll();
      return restartAll;
    },
  };
}
