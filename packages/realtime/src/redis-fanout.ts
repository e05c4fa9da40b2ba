import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { ServerOptions } from 'socket.io';

/**
 * socket.io adapter over Redis sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis ≥ 7): an instance
 * subscribes to a room's channel only while it has members in that room, so it receives
 * traffic only for rooms it serves (docs/CLUSTER.md invariant 3). Mode "dynamic" gives each named
 * room its own channel; per-socket rooms share the instance channel.
 */
export function createRedisFanoutAdapter(
  pub: Redis,
  sub: Redis,
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
