export { MemoryRecentWriters } from './recent-writers.memory.ts';
export { RedisRecentWriters } from './recent-writers.redis.ts';
export type { RecentWriters } from './recent-writers.ts';
