export type {
  Config,
  ConnectionLimits,
  HostModeConfig,
  IntegrationsConfig,
  RateLimits,
  S3Config,
  ShardSettings,
} from './load-config.ts';
export { ConfigError, loadConfig } from './load-config.ts';
