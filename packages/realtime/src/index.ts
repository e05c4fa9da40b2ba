export { MemoryPresence } from './presence.memory.ts';
export { RedisPresence } from './presence.redis.ts';
export { createRedisFanoutAdapter, type FanoutAdapterKind } from './redis-fanout.ts';
export { createSocketIoBus } from './socket-io-bus.ts';
export type { StreamConnection } from './stream-connection.ts';
export { type AttachedStream, type HubLink, memoryHubLink, StreamHub } from './stream-hub.ts';
export { redisHubLink } from './stream-hub-link.redis.ts';
export { MemoryViewing } from './viewing.memory.ts';
export { RedisViewing } from './viewing.redis.ts';
