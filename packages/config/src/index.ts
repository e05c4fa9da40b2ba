export type { Config, ConnectionLimits, HostModeConfig, RateLimits, S3Config } from './load-config.ts';
export { ConfigError, loadConfig } from './load-config.ts';
