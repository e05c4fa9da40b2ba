/**
 * The browser's entry to the protocol: every type, and the plain values and helpers — never the
 * TypeBox schemas (they are for the server's validation and would be a quarter of the web
 * client). `pnpm test` checks the web bundle holds no TypeBox.
 */
export * from './avatar-color.ts';
export * from './constants.ts';
export type * from './entities.ts';
export type * from './errors.ts';
export type * from './events.ts';
export type * from './host.ts';
export type * from './integrations.ts';
export * from './message-preview.ts';
export type * from './preferences.ts';
export * from './preferences-rules.ts';
export type * from './routes.ts';
export type * from './routes-access.ts';
export type * from './schedule.ts';
export * from './schedule-rules.ts';
