import type { TenantDb } from '@rosterchirp/db';

/** One auth-state entry: `value` is BufferJSON text; null deletes it. */
export interface AuthStateWrite {
  category: string;
  id: string;
  value: string | null;
  expiresAt: Date | null;
}

/**
 * The WhatsApp bridge's auth state (Baileys' creds and signal keys) in the tenant's schema.
 * Every statement names the tenant it is for and checks it against the row (`tenant` column).
 */
export interface WhatsappAuthStore {
  /** Live (unexpired) values by key id. */
  read(db: TenantDb, tenant: string, category: string, ids: readonly string[]): Promise<Map<string, string>>;
  /** Upserts and deletes in one statement each, however many keys. */
  write(db: TenantDb, tenant: string, rows: readonly AuthStateWrite[]): Promise<void>;
  clear(db: TenantDb, tenant: string): Promise<void>;
  deleteExpired(db: TenantDb, tenant: string): Promise<number>;
  count(db: TenantDb, tenant: string): Promise<number>;
}
