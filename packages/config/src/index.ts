export type { Config, RateLimits } from './load-config.ts';
export { ConfigError, loadConfig } from './load-config.ts';
