import type { TenantDb } from '@rosterchirp/db';

/** A tenant's settings: JSON values by key (app name, registration, plan, secrets …). */
export interface SettingsStore {
  get(db: TenantDb, key: string): Promise<unknown>;
  /** Several keys in one query; a key never set is absent from the result. */
  getMany(db: TenantDb, keys: readonly string[]): Promise<Record<string, unknown>>;
  set(db: TenantDb, key: string, value: unknown): Promise<void>;
  /** Stores `value` unless the key already has one; returns the value kept (yours or theirs). */
  setIfAbsent(db: TenantDb, key: string, value: unknown): Promise<unknown>;
}
