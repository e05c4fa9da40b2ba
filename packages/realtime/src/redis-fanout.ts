import { createShardedAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { ServerOptions } from 'socket.io';

/**
 * socket.io adapter over Redis sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis ≥ 7): an instance
 * subscribes to a room's channel only while it has members in that room, so it receives
 * traffic only for rooms it serves (cluster.md invariant 3). Mode "dynamic" gives each named
 * room its own channel; per-socket rooms share the instance channel.
 */
export function createRedisFanoutAdapter(pub: Redis, sub: Redis): ServerOptions['adapter'] {
  return createShardedAdapter(pub, sub, { subscriptionMode: 'dynamic', channelPrefix: 'rc:sio' });
}
