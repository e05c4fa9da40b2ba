export { freePort, type Spawned, spawnLogged, stopProcess, waitUntil } from './processes.ts';
export { type RedisHandle, startRedis } from './redis-server.ts';
export { type S3Handle, startS3 } from './s3-server.ts';
