export { freePort, type Spawned, spawnLogged, stopProcess, waitUntil } from './processes.ts';
export { type RedisHandle, startRedis } from './redis-server.ts';
export { startS3, type S3Handle } from './s3-server.ts';
