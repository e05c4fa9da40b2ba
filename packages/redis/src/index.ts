export { tenantTag } from './keys.ts';
export {
  type ConnectOptions,
  connectRedis,
  isCluster,
  masters,
  type RedisClient,
  type RedisTarget,
  targetUrls,
} from './redis-client.ts';
