import type { ChangeNotices, TenantDb } from '@rosterchirp/db';
import type { EventBus, JobQueue, PresenceStore, ViewingStore } from '@rosterchirp/protocol';
import type { ObjectStorage } from '@rosterchirp/storage';
import { createSqlStores, type Stores } from '@rosterchirp/store';
import { createAuditService } from './audit-service.ts';
import { createAuthService } from './auth-service.ts';
import { createAvatarService } from './avatar-service.ts';
import { createBackgroundJobs } from './background-jobs.ts';
import type { DomainLogger } from './context.ts';
import { createGroupService } from './group-service.ts';
import { createBotService } from './integrations/bot-service.ts';
import { createCalls, type LiveKitConfig } from './integrations/calls.ts';
import { createContacts } from './integrations/contacts.ts';
import { createIncomingWebhooks } from './integrations/incoming-webhooks.ts';
import { createIntegrationJobs, type IntegrationJobs } from './integrations/integration-jobs.ts';
import { createOutgoingWebhooks, type WebhookOutcome } from './integrations/outgoing-webhooks.ts';
import { createSmsBridge, type SmsOutcome } from './integrations/sms-bridge.ts';
import { createWhatsappBridge, type WhatsappSocketFactory } from './integrations/whatsapp/whatsapp-bridge.ts';
import { createLinkPreviewService } from './link-preview/link-preview-service.ts';
import { createMessageAccess } from './message-access.ts';
import { createMessageService } from './message-service.ts';
import { createPushFanout } from './notifications/push-fanout.ts';
import { createThreadedWebPushSender, type DeliveryOutcome } from './notifications/web-push-delivery.ts';
import { createPinService } from './pin-service.ts';
import { createPresenceService } from './presence-service.ts';
import { createPushService, type PushKeys } from './push-service.ts';
import { createReactionService } from './reaction-service.ts';
import { createCalendarFeed } from './schedule/calendar-feed.ts';
import { createScheduleReminders } from './schedule/schedule-reminders.ts';
import { createScheduleService } from './schedule/schedule-service.ts';
import { createSearchService } from './search-service.ts';
import { createSeedService } from './seed-tenant.ts';
import { createSettingsService } from './settings-service.ts';
import { createThumbnailService } from './thumbnail-service.ts';
import { createTokenSigner } from './tokens.ts';
import { createTotpService } from './totp-service.ts';
import { createTypingService } from './typing-service.ts';
import { createUploadCleanup } from './upload-cleanup.ts';
import { createUploadService } from './upload-service.ts';
import { createUserAdminService } from './user-admin-service.ts';
import { createUserGroupService } from './user-group-service.ts';
import { createUserImport } from './user-import.ts';
import { createUserService } from './user-service.ts';
import { createWorkspaceSettings } from './workspace-settings.ts';

export interface ServiceDeps {
  bus: EventBus;
  /** The stores (SQL, timed for /metrics by the app); default: the untimed SQL stores. */
  stores?: Stores;
  presence: PresenceStore;
  /** Presence changes go out at most once per this window per tenant and instance. */
  presenceBatchMs: number;
  storage: ObjectStorage;
  log: DomainLogger;
  jwtSecret: string;
  sessionTtlDays: number;
  defaultUserPassword: string | undefined;
  dbFor: (schema: string) => TenantDb;
  uploadMaxBytes: number;
  linkPreviews: { enabled: boolean; allowPrivate: boolean };
  push: {
    keys: PushKeys;
    allowPrivateEndpoints: boolean;
    /** Pushes in flight at once per fan-out job. */
    concurrency: number;
    /** Pushes started per second by this instance. */
    ratePerSecond: number;
    onOutcome?: (kind: DeliveryOutcome['kind']) => void;
  };
  /**
   * The job queue, the lease after which a silent job is handed to another worker, and how
   * often unreferenced uploads are cleaned up (hours; 0: never).
   */
  jobs: {
    queue: JobQueue;
    leaseSeconds: number;
    uploadCleanupHours: number;
    /** Unreferenced objects younger than this are kept; default 24 (tests: 0). */
    uploadKeepHours?: number;
    onUploadsDeleted?: (n: number) => void;
  };
  /** Every tenant's schema, for deployment-wide jobs (self-host: public). */
  tenantSchemas: () => Promise<string[]>;
  viewing: ViewingStore;
  /** Commit-time change notices (which tenants relay messages is cached until one says so). */
  changeNotices?: Pick<ChangeNotices, 'live' | 'onNotice' | 'onReset'> | undefined;
  integrations: {
    livekit: LiveKitConfig | null;
    outgoingAllowPrivate: boolean;
    twilioApiUrl: string;
    onWebhookOutcome?: (outcome: WebhookOutcome) => void;
    onSmsOutcome?: (outcome: SmsOutcome) => void;
    onIncomingOutcome?: (outcome: string) => void;
    /** Opens WhatsApp sockets; default Baileys (tests pass a stand-in). */
    whatsappSocket?: WhatsappSocketFactory;
  };
}

/** Wires every domain service from its dependencies; no module state anywhere. */
export function createServices(deps: ServiceDeps) {
  const stores = deps.stores ?? createSqlStores();
  const audit = createAuditService({ stores, bus: deps.bus });
  const settings = createSettingsService({ stores });
  // The workspace's default password (Settings) wins over USER_PASS.
  const defaultPassword = async (db: TenantDb) =>
    (await settings.settingOrDefault(db, 'default_user_password')) ?? deps.defaultUserPassword;
  const totp = createTotpService({
    stores,
    audit,
    issuer: (db) => settings.settingOrDefault(db, 'app_name'),
  });
  const users = createUserService({ stores, audit, defaultPassword });
  const uploads = createUploadService({ stores, storage: deps.storage, maxBytes: deps.uploadMaxBytes });
  const avatars = createAvatarService({ storage: deps.storage, uploads, stores });
  const workspace = createWorkspaceSettings({ stores, settings, uploads, audit, bus: deps.bus });
  const access = createMessageAccess({ stores, bus: deps.bus });
  const previews = createLinkPreviewService({
    stores,
    access,
    log: deps.log,
    enabled: deps.linkPreviews.enabled,
    limits: { allowPrivate: deps.linkPreviews.allowPrivate },
  });
  const thumbnails = createThumbnailService({ storage: deps.storage, stores, access, log: deps.log });
  const pushSender = createThreadedWebPushSender(deps.push.keys);
  const pushFanout = createPushFanout({
    stores,
    viewing: deps.viewing,
    sender: pushSender,
    dbFor: deps.dbFor,
    log: deps.log,
    concurrency: deps.push.concurrency,
    ratePerSecond: deps.push.ratePerSecond,
    leaseSeconds: deps.jobs.leaseSeconds,
    ...(deps.push.onOutcome ? { onOutcome: deps.push.onOutcome } : {}),
  });
  const uploadCleanup = createUploadCleanup({
    stores,
    storage: deps.storage,
    log: deps.log,
    ...(deps.jobs.onUploadsDeleted ? { onDeleted: deps.jobs.onUploadsDeleted } : {}),
    ...(deps.jobs.uploadKeepHours !== undefined ? { keepHours: deps.jobs.uploadKeepHours } : {}),
  });
  const reminders = createScheduleReminders({
    stores,
    jobs: deps.jobs.queue,
    sender: pushSender,
    dbFor: deps.dbFor,
    tenantSchemas: deps.tenantSchemas,
    log: deps.log,
    ...(deps.push.onOutcome ? { onOutcome: deps.push.onOutcome } : {}),
  });
  const background = createBackgroundJobs({
    reminders,
    jobs: deps.jobs.queue,
    options: { leaseSeconds: deps.jobs.leaseSeconds, uploadCleanupHours: deps.jobs.uploadCleanupHours },
    previews,
    thumbnails,
    pushFanout,
    uploadCleanup,
    dbFor: deps.dbFor,
    tenantSchemas: deps.tenantSchemas,
    log: deps.log,
  });
  // Integrations' per-message work is queued beside the rest (set once they exist, below).
  let integrationJobs: IntegrationJobs | undefined;
  const messages = createMessageService({
    bus: deps.bus,
    stores,
    access,
    uploads,
    afterSend: async (db, message, groupType, imageKey) =>
      background.afterSend(
        db,
        message,
        groupType,
        imageKey,
        await integrationJobs?.jobsAfterSend(db, message),
      ),
  });
  const groups = createGroupService({ bus: deps.bus, stores, messages, audit, avatars });
  const auth = createAuthService({
    signer: createTokenSigner(deps.jwtSecret),
    bus: deps.bus,
    stores,
    users,
    settings,
    audit,
    totp,
    sessionTtlDays: deps.sessionTtlDays,
  });
  const presence = createPresenceService({
    batchMs: deps.presenceBatchMs,
    store: deps.presence,
    bus: deps.bus,
    users,
    log: deps.log,
    dbFor: deps.dbFor,
  });
  const userAdmin = createUserAdminService({
    bus: deps.bus,
    stores,
    auth,
    users,
    audit,
    defaultPassword,
  });
  const push = createPushService({
    stores,
    keys: deps.push.keys,
    sender: pushSender,
    allowPrivateEndpoints: deps.push.allowPrivateEndpoints,
    log: deps.log,
  });
  const reactions = createReactionService({ bus: deps.bus, stores, access });
  const typing = createTypingService({ bus: deps.bus, groups });
  const pins = createPinService({ stores, access });
  const search = createSearchService({ stores });
  const seed = createSeedService({ stores, users, audit });
  const userImport = createUserImport({ stores, users, bus: deps.bus });
  const userGroups = createUserGroupService({ bus: deps.bus, stores, groups, messages, settings });
  const schedule = createScheduleService({
    stores,
    settings,
    bus: deps.bus,
    onEventWritten: (db, event) => reminders.queueNext(db, event, new Date()),
  });
  const calendarFeed = createCalendarFeed({
    stores,
    calendarName: async (db) =>
      `${(await settings.settingOrDefault(db, 'app_name')) ?? 'RosterChirp'} schedule`,
  });
  const bots = createBotService({ stores, auth, audit });
  const incoming = createIncomingWebhooks({
    stores,
    groups,
    messages,
    audit,
    ...(deps.integrations.onIncomingOutcome ? { onOutcome: deps.integrations.onIncomingOutcome } : {}),
  });
  const outgoing = createOutgoingWebhooks({
    stores,
    audit,
    options: {
      allowPrivate: deps.integrations.outgoingAllowPrivate,
      timeoutMs: 5000,
      ...(deps.integrations.onWebhookOutcome ? { onOutcome: deps.integrations.onWebhookOutcome } : {}),
    },
  });
  const calls = createCalls({ livekit: deps.integrations.livekit, stores, messages, audit });
  const sms = createSmsBridge({
    stores,
    messages,
    groups,
    audit,
    log: deps.log,
    apiUrl: deps.integrations.twilioApiUrl,
    ...(deps.integrations.onSmsOutcome ? { onOutcome: deps.integrations.onSmsOutcome } : {}),
  });
  const whatsapp = createWhatsappBridge({
    stores,
    groups,
    messages,
    audit,
    log: deps.log,
    ...(deps.integrations.whatsappSocket ? { openSocket: deps.integrations.whatsappSocket } : {}),
  });
  integrationJobs = createIntegrationJobs({
    stores,
    jobs: deps.jobs.queue,
    outgoing,
    sms,
    whatsapp,
    dbFor: deps.dbFor,
    tenantSchemas: deps.tenantSchemas,
    leaseSeconds: deps.jobs.leaseSeconds,
    changeNotices: deps.changeNotices,
    log: deps.log,
  });
  const integrations = {
    bots,
    incoming,
    outgoing,
    calls,
    sms,
    whatsapp,
    jobs: integrationJobs,
    contacts: createContacts({ stores, audit }),
  };
  const viewing = {
    /** What a connection shows now (null: nothing, or the app is hidden); pushes skip viewers. */
    set: (db: TenantDb, connectionId: string, userId: number, groupId: number | null) =>
      deps.viewing.set(db.schema, connectionId, userId, groupId),
  };
  return {
    /** Releases what the services hold open (push connections kept alive, timers). */
    close: () => {
      presence.flush();
      background.stop();
      integrations.jobs.stop();
      whatsapp.close();
      pushSender.close();
    },
    uploadCleanup,
    background,
    integrations,
    viewing,
    push,
    workspace,
    avatars,
    audit,
    totp,
    settings,
    seed,
    users,
    userImport,
    userAdmin,
    messages,
    groups,
    auth,
    presence,
    uploads,
    reactions,
    typing,
    pins,
    search,
    userGroups,
    schedule,
    calendarFeed,
    storage: deps.storage,
  };
}

export type Services = ReturnType<typeof createServices>;
