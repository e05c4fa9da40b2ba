export { freePort, type Spawned, spawnLogged, stopProcess, waitUntil } from './processes.ts';
export { type RedisHandle, startRedis } from './redis-server.ts';
