import type { TenantDb } from '@rosterchirp/db';

/** What a tenant's first start writes beyond users and settings. */
export interface SeedStore {
  /** Adds these event types unless a type of that name exists. */
  seedEventTypes(db: TenantDb, types: Array<{ name: string; colour: string }>): Promise<void>;
  /**
   * Creates the default public channel once, even when instances start together (a lock, then
   * a second look); records it as the `default_chat_id` setting.
   */
  ensureDefaultChat(db: TenantDb, name: string): Promise<void>;
}
