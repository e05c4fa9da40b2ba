import { sqlAuditStore } from './audit-store.sql.ts';
import type { AuditStore } from './audit-store.ts';
import { sqlGroupStore } from './group-store.sql.ts';
import type { GroupStore } from './group-store.ts';
import { sqlIntegrationStore } from './integration-store.sql.ts';
import type { IntegrationStore } from './integration-store.ts';
import {
  sqlLinkPreviewStore,
  sqlMessageStore,
  sqlReactionStore,
  sqlSearchStore,
} from './message-store.sql.ts';
import type { LinkPreviewStore, MessageStore, ReactionStore, SearchStore } from './message-store.ts';
import { sqlPushStore } from './push-store.sql.ts';
import type { PushStore } from './push-store.ts';
import { sqlScheduleStore } from './schedule-store.sql.ts';
import type { ScheduleStore } from './schedule-store.ts';
import { sqlSeedStore } from './seed-store.sql.ts';
import type { SeedStore } from './seed-store.ts';
import { sqlSessionStore } from './session-store.sql.ts';
import type { SessionStore } from './session-store.ts';
import { sqlSettingsStore } from './settings-store.sql.ts';
import type { SettingsStore } from './settings-store.ts';
import { type StoreCallObserver, timed } from './timed.ts';
import { sqlTotpStore } from './totp-store.sql.ts';
import type { TotpStore } from './totp-store.ts';
import { sqlTransactionStore, type TransactionStore } from './transaction-store.ts';
import { sqlUploadStore } from './upload-store.sql.ts';
import type { UploadStore } from './upload-store.ts';
import { sqlUserGroupStore } from './user-group-store.sql.ts';
import type { UserGroupStore } from './user-group-store.ts';
import { sqlUserStore } from './user-store.sql.ts';
import type { UserStore } from './user-store.ts';
import { sqlWhatsappAuthStore } from './whatsapp-auth-store.sql.ts';
import type { WhatsappAuthStore } from './whatsapp-auth-store.ts';

/**
 * Every store the domain uses, one per aggregate. Domain services get this object and never
 * write SQL themselves; the SQL implementations share one test suite (test/stores.test.ts).
 */
export interface Stores {
  users: UserStore;
  sessions: SessionStore;
  settings: SettingsStore;
  uploads: UploadStore;
  messages: MessageStore;
  reactions: ReactionStore;
  linkPreviews: LinkPreviewStore;
  search: SearchStore;
  groups: GroupStore;
  userGroups: UserGroupStore;
  seed: SeedStore;
  audit: AuditStore;
  totp: TotpStore;
  transactions: TransactionStore;
  push: PushStore;
  schedule: ScheduleStore;
  integrations: IntegrationStore;
  whatsappAuth: WhatsappAuthStore;
}

/** The Postgres stores, each call timed (by store and method) when an observer is given. */
export function createSqlStores(observe?: StoreCallObserver): Stores {
  const stores: Stores = {
    users: sqlUserStore,
    sessions: sqlSessionStore,
    settings: sqlSettingsStore,
    uploads: sqlUploadStore,
    messages: sqlMessageStore,
    reactions: sqlReactionStore,
    linkPreviews: sqlLinkPreviewStore,
    search: sqlSearchStore,
    groups: sqlGroupStore,
    userGroups: sqlUserGroupStore,
    seed: sqlSeedStore,
    audit: sqlAuditStore,
    totp: sqlTotpStore,
    transactions: sqlTransactionStore,
    push: sqlPushStore,
    schedule: sqlScheduleStore,
    integrations: sqlIntegrationStore,
    whatsappAuth: sqlWhatsappAuthStore,
  };
  if (!observe) return stores;
  const wrapped = {} as Record<string, object>;
  for (const [name, store] of Object.entries(stores)) wrapped[name] = timed(name, store as object, observe);
  return wrapped as unknown as Stores;
}
