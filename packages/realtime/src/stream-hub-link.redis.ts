import type { Redis } from 'ioredis';
import type { HubLink } from './stream-hub.ts';

/**
 * The stream hub's link over Redis sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis ≥ 7), on the same
 * connections as the socket.io adapter: `sub` is already in subscriber mode, and the hub's
 * channels (`rc:hub:…`) are told apart by their prefix.
 */
export function redisHubLink(
  pub: Redis,
  sub: Redis,
  onError: (err: Error) => void,
  prefix = 'rc:hub:',
): HubLink {
  const handlers = new Map<string, (message: string) => void>();
  sub.on('smessage', (channel: string, message: string) => handlers.get(channel)?.(message));
  return {
    publish(channel, message) {
      pub.spublish(prefix + channel, message).catch(onError);
    },
    async subscribe(channel, onMessage) {
      handlers.set(prefix + channel, onMessage);
      await sub.ssubscribe(prefix + channel);
    },
    unsubscribe(channel) {
      handlers.delete(prefix + channel);
      sub.sunsubscribe(prefix + channel).catch(onError);
    },
  };
}
