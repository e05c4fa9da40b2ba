import type { TenantDb } from '@rosterchirp/db';

/**
 * The unit of work: `run` opens one transaction and hands `fn` a TenantDb bound to it, so the
 * calls of several stores made with it commit or roll back together (a change and its audit
 * entry). The domain asks for a transaction here and never opens one itself.
 */
export interface TransactionStore {
  run<T>(db: TenantDb, fn: (tx: TenantDb) => Promise<T>): Promise<T>;
}

export const sqlTransactionStore: TransactionStore = {
  run: (db, fn) => db.tx(fn),
};
