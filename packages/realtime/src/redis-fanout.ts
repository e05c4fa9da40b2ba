import type { RedisClient } from '@rosterchirp/redis';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { ServerOptions } from 'socket.io';

/**
 * socket.io adapter over Redis sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis ≥ 7): an instance
 * subscribes to a room's channel only while it has members in that room, so it receives
 * traffic only for rooms it serves (docs/CLUSTER.md invariant 3). Mode "dynamic" gives each named
 * room its own channel; per-socket rooms share the instance channel. On a Redis Cluster, SPUBLISH
 * goes to the master of the channel's slot, and `sub` must be opened with
 * `shardedSubscriber: true` (one subscriber connection per master).
 */
export function createRedisFanoutAdapter(
  pub: RedisClient,
  sub: RedisClient,
  kind: FanoutAdapterKind = 'sharded',
): ServerOptions['adapter'] {
  if (kind === 'classic') return createAdapter(pub, sub, { key: 'rc:sio' });
  return createShardedAdapter(pub, sub, { subscriptionMode: 'dynamic', channelPrefix: 'rc:sio' });
}

/**
 * "sharded" (default): per-room channels, an instance hears only rooms it serves.
 * "classic": one channel per namespace, every instance hears every broadcast (kept for the
 * comparison in loadtest/results; see ARCHITECTURE.md).
 */
export type FanoutAdapterKind = 'sharded' | 'classic';
