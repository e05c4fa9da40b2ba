export { MemoryQueue } from './job-queue.memory.ts';
export { PgBossQueue, type PgBossQueueOptions, type SqlExecutor } from './job-queue.pgboss.ts';
export { keyToUuid } from './key-to-uuid.ts';
