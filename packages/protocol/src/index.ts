export * from './avatar-color.ts';
export * from './constants.ts';
export * from './entities.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './host.ts';
export * from './integrations.ts';
export * from './message-preview.ts';
export type { EventBus } from './ports/event-bus.ts';
export {
  type JobContext,
  type JobHandler,
  type JobQueue,
  type JobRequest,
  type QueueDefinition,
  type QueueStats,
  RetryLater,
} from './ports/job-queue.ts';
export type { PresenceConnection, PresenceOptions, PresenceStore } from './ports/presence-store.ts';
export { rooms } from './ports/rooms.ts';
export type { ViewingStore } from './ports/viewing-store.ts';
export * from './preferences.ts';
export * from './preferences-rules.ts';
export * from './routes.ts';
export * from './routes-access.ts';
export * from './schedule.ts';
export * from './schedule-rules.ts';
