export { type CaddyHandle, localCaddyfile, startCaddy } from './caddy.ts';
export { type Cluster, type ClusterOptions, type ClusterState, startCluster } from './cluster.ts';
export { type InstanceHandle, REPO_ROOT, startInstance } from './instance.ts';
export { LOOPBACK_CERT_ENV, makeLoopbackCert } from './loopback-cert.ts';
export { type PgBouncerHandle, startPgBouncer } from './pgbouncer.ts';
export { type PostgresHandle, startPostgres } from './postgres-server.ts';
export { freePort, type Spawned, spawnLogged, stopProcess, waitUntil } from './processes.ts';
export {
  type PushAttempt,
  type PushStandIn,
  type ReceivedPush,
  type StandInSubscription,
  startPushStandIn,
} from './push-stand-in.ts';
export { type RedisClusterHandle, startRedisCluster } from './redis-cluster.ts';
export { REDIS_KINDS } from './redis-kinds.ts';
export { type RedisHandle, redisCli, startRedis } from './redis-server.ts';
export { requestWithHost } from './request-with-host.ts';
export { type S3Handle, startS3 } from './s3-server.ts';
export { startTestDatabase, type TestDatabase } from './test-database.ts';
