export type { EventBus } from './event-bus.ts';
export type { PresenceOptions, PresenceStore } from './presence.ts';
export { MemoryPresence } from './presence.memory.ts';
export { rooms } from './rooms.ts';
export { createSocketIoBus } from './socket-io-bus.ts';
export { bridgeStream, streamFrameFromPacket, type BridgedStream, type StreamConnection } from './stream-bridge.ts';
