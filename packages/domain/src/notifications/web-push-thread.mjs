// The push thread's entry: plain JavaScript, since a worker thread does not inherit the main
// thread's TypeScript loader (tsx) — it registers it, then loads the TypeScript module.
import { register } from 'tsx/esm/api';

register();
await import('./web-push-thread.ts');
