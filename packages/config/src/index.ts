export type { Config } from './load-config.ts';
export { ConfigError, loadConfig } from './load-config.ts';
