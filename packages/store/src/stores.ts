import { sqlSessionStore } from './session-store.sql.ts';
import type { SessionStore } from './session-store.ts';
import { sqlSettingsStore } from './settings-store.sql.ts';
import type { SettingsStore } from './settings-store.ts';
import { type StoreCallObserver, timed } from './timed.ts';
import { sqlUploadStore } from './upload-store.sql.ts';
import type { UploadStore } from './upload-store.ts';
import { sqlUserStore } from './user-store.sql.ts';
import type { UserStore } from './user-store.ts';

/**
 * Every store the domain uses, one per aggregate. Domain services get this object and never
 * write SQL themselves; the SQL implementations share one test suite (test/stores.test.ts).
 */
export interface Stores {
  users: UserStore;
  sessions: SessionStore;
  settings: SettingsStore;
  uploads: UploadStore;
}

/** The Postgres stores, each call timed when an observer is given. */
export function createSqlStores(observe?: StoreCallObserver): Stores {
  const stores: Stores = {
    users: sqlUserStore,
    sessions: sqlSessionStore,
    settings: sqlSettingsStore,
    uploads: sqlUploadStore,
  };
  if (!observe) return stores;
  return {
    users: timed('users', stores.users, observe),
    sessions: timed('sessions', stores.sessions, observe),
    settings: timed('settings', stores.settings, observe),
    uploads: timed('uploads', stores.uploads, observe),
  };
}
