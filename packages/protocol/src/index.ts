export * from './avatar-color.ts';
export * from './entities.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './host.ts';
export * from './message-preview.ts';
export * from './routes.ts';
