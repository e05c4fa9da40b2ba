export { MemoryPresence } from './presence.memory.ts';
export { RedisPresence } from './presence.redis.ts';
export { createRedisFanoutAdapter, type FanoutAdapterKind } from './redis-fanout.ts';
export { createSocketIoBus } from './socket-io-bus.ts';
export {
  type BridgedStream,
  bridgeStream,
  type StreamConnection,
  streamFrameFromPacket,
} from './stream-bridge.ts';
export { MemoryViewing } from './viewing.memory.ts';
export { RedisViewing } from './viewing.redis.ts';
