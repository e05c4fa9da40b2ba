export type { Config, HostModeConfig, RateLimits, S3Config } from './load-config.ts';
export { ConfigError, loadConfig } from './load-config.ts';
