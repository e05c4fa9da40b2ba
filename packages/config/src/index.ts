export { loadConfig, ConfigError } from './load-config.ts';
export type { Config } from './load-config.ts';
