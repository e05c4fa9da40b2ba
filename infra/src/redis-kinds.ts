import { startRedisCluster } from './redis-cluster.ts';
import { type RedisHandle, startRedis } from './redis-server.ts';

/** The Redis kinds the contract suites run against: one server, and a 3-master cluster. */
export const REDIS_KINDS = [
  { name: 'real redis-server', start: () => startRedis() },
  { name: '3-master Redis Cluster', start: () => startRedisCluster() },
] as const satisfies ReadonlyArray<{ name: string; start: () => Promise<RedisHandle> }>;
