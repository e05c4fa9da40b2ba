export type { AuditStore, NewAuditEntry } from './audit-store.ts';
export { type AccessCacheOptions, cacheAccessChecks } from './cached-access.ts';
export { toGroup, visibleGroupsSql } from './group-mapping.ts';
export type { GroupAccessRow, GroupStore } from './group-store.ts';
export {
  type BotKind,
  type DeliveryStatus,
  type IncomingTarget,
  type IntegrationStore,
  type OutgoingTarget,
  PhoneTaken,
} from './integration-store.ts';
export { messageSelect, toAuthor, toMember, toMessage } from './message-mapping.ts';
export type {
  InsertedMessage,
  LinkPreviewMeta,
  LinkPreviewStore,
  MessageHead,
  MessageStore,
  NewMessage,
  ReactionStore,
  ReactionToggle,
  SearchStore,
} from './message-store.ts';
export { isSchemaGone, isUniqueViolation } from './pg-errors.ts';
export type { MessageForPush, PushCandidate, PushStore, PushSubscriptionRow } from './push-store.ts';
export { iso, str, toUser, USER_COLUMNS, uploadUrl } from './row-mapping.ts';
export {
  type EventRow,
  EventTypeInUse,
  EventTypeNameTaken,
  type EventWrite,
  type ReminderDevice,
  type RsvpCount,
  type ScheduleStore,
  type ScheduleViewer,
  type StoredRecurrence,
} from './schedule-store.ts';
export type { SeedStore } from './seed-store.ts';
export type { NewSession, SessionRow, SessionStore } from './session-store.ts';
export type { SettingsStore } from './settings-store.ts';
export { createSqlStores, type Stores } from './stores.ts';
export { createSqlHostAudit, createSqlTenantCatalog } from './tenant-catalog.sql.ts';
export type { HostAudit, HostAuditEntry, TenantCatalog, TenantRow } from './tenant-catalog.ts';
export { type StoreCallObserver, timed } from './timed.ts';
export type { TotpState, TotpStore } from './totp-store.ts';
export type { TransactionStore } from './transaction-store.ts';
export type { Upload, UploadStore } from './upload-store.ts';
export { UserGroupNameTaken, type UserGroupStore } from './user-group-store.ts';
export { type NewUserRow, type UserStore, UserTaken } from './user-store.ts';
export type { AuthStateWrite, WhatsappAuthStore } from './whatsapp-auth-store.ts';
