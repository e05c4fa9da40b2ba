import type { TenantDb } from '@rosterchirp/db';
import type { JobQueue, QueueDefinition } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import type { DomainLogger } from '../context.ts';
import type { OutgoingWebhooks } from './outgoing-webhooks.ts';
import type { SmsBridge } from './sms-bridge.ts';
import type { WhatsappBridge } from './whatsapp/whatsapp-bridge.ts';

export const INTEGRATION_QUEUES = {
  relay: 'integration-relay',
  authCleanup: 'whatsapp-auth-cleanup',
} as const;

/** How long an instance trusts its "this tenant has no webhooks or bridges" answer. */
const RELAYS_CACHE_MS = 2000;
/** Expired WhatsApp auth-state rows are deleted this often (one job per period). */
const CLEANUP_EVERY_MS = 3600_000;

interface RelayJob {
  schema: string;
  messageId: number;
  groupId: number;
}

/**
 * What the job system does for integrations: one relay job per message of a tenant that has
 * outgoing webhooks or bridged conversations (outgoing POSTs, SMS/WhatsApp replies), and the
 * hourly cleanup of expired WhatsApp auth state. A tenant with neither pays one cached lookup
 * per send at most every 2 s (a new webhook or bridged conversation is seen by every instance within that).
 */
export function createIntegrationJobs(deps: {
  stores: Pick<Stores, 'integrations' | 'messages'>;
  jobs: JobQueue;
  outgoing: OutgoingWebhooks;
  sms: SmsBridge;
  whatsapp: WhatsappBridge;
  dbFor: (schema: string) => TenantDb;
  tenantSchemas: () => Promise<string[]>;
  leaseSeconds: number;
  log: DomainLogger;
}) {
  const known = new Map<string, { any: boolean; at: number }>();
  let timer: ReturnType<typeof setInterval> | undefined;

  const hasRelays = async (db: TenantDb) => {
    const cached = known.get(db.schema);
    if (cached && Date.now() - cached.at < RELAYS_CACHE_MS) return cached.any;
    const any = await deps.stores.integrations.hasRelays(db);
    known.set(db.schema, { any, at: Date.now() });
    return any;
  };

  const relay = async (job: RelayJob) => {
    const db = deps.dbFor(job.schema);
    await deps.outgoing.deliver(db, job.messageId);
    const bridged = await deps.stores.integrations.contactOfConversation(db, job.groupId);
    if (!bridged) return;
    const message = await deps.stores.messages.load(db, job.messageId, 0);
    if (message?.kind !== 'user' || message.deletedAt) return;
    if (bridged.bridge === 'sms') await deps.sms.relayOut(db, bridged.contact, message);
    else await deps.whatsapp.relayOut(db, bridged.contact, message);
  };

  const requestCleanup = async () => {
    const period = Math.floor(Date.now() / CLEANUP_EVERY_MS);
    await deps.jobs
      .send([{ queue: INTEGRATION_QUEUES.authCleanup, data: { period }, key: `wa-auth-cleanup:${period}` }])
      .catch((err: unknown) => deps.log.warn({ err }, 'WhatsApp auth cleanup not scheduled'));
  };

  const queues: QueueDefinition[] = [
    {
      name: INTEGRATION_QUEUES.relay,
      retryLimit: 6,
      retryDelaySeconds: 5,
      expireInSeconds: deps.leaseSeconds,
    },
    {
      name: INTEGRATION_QUEUES.authCleanup,
      retryLimit: 2,
      retryDelaySeconds: 60,
      expireInSeconds: Math.max(deps.leaseSeconds, 600),
    },
  ];

  return {
    queues,
    /** Forget the cached answer (this instance just made a webhook or a bridged conversation). */
    changed: (schema: string) => known.delete(schema),

    async afterSend(db: TenantDb, message: { id: number; groupId: number }): Promise<void> {
      if (!(await hasRelays(db))) return;
      await deps.jobs.send([
        {
          queue: INTEGRATION_QUEUES.relay,
          data: { schema: db.schema, messageId: message.id, groupId: message.groupId } satisfies RelayJob,
          key: `${db.schema}:${message.id}`,
        },
      ]);
    },

    /** Deletes expired WhatsApp auth rows of every tenant; returns how many. */
    async cleanupAuthState(): Promise<number> {
      let n = 0;
      for (const schema of await deps.tenantSchemas()) n += await deps.whatsapp.cleanup(deps.dbFor(schema));
      return n;
    },

    async start(): Promise<void> {
      await deps.jobs.define(queues);
      await deps.jobs.work<RelayJob>(INTEGRATION_QUEUES.relay, 4, relay);
      await deps.jobs.work(INTEGRATION_QUEUES.authCleanup, 1, async () => {
        const n = await this.cleanupAuthState();
        if (n > 0) deps.log.info({ deleted: n }, 'expired WhatsApp auth state deleted');
      });
      await requestCleanup();
      timer = setInterval(() => void requestCleanup(), CLEANUP_EVERY_MS);
      timer.unref();
    },

    stop: () => clearInterval(timer),
  };
}

export type IntegrationJobs = ReturnType<typeof createIntegrationJobs>;
