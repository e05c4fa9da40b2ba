import type { ChangeNotices, TenantDb } from '@rosterchirp/db';
import type { JobQueue, JobRequest, QueueDefinition } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import type { DomainLogger } from '../context.ts';
import type { OutgoingWebhooks } from './outgoing-webhooks.ts';
import type { SmsBridge } from './sms-bridge.ts';
import type { WhatsappBridge } from './whatsapp/whatsapp-bridge.ts';

export const INTEGRATION_QUEUES = {
  relay: 'integration-relay',
  authCleanup: 'whatsapp-auth-cleanup',
} as const;

/**
 * How long an instance trusts its "does this tenant relay messages?" answer while change notices
 * are not live (without a listener, or while it reconnects); live, an answer stands until a
 * notice says a webhook or bridged conversation of the tenant changed.
 */
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
 * hourly cleanup of expired WhatsApp auth state. Whether a tenant relays at all is asked once and
 * kept until a change notice (migration 015's triggers) says otherwise, so a tenant without
 * integrations costs its sends nothing.
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
  /** Commit-time change notices; without them answers are kept for RELAYS_CACHE_MS only. */
  changeNotices?: Pick<ChangeNotices, 'live' | 'onNotice' | 'onReset'> | undefined;
  log: DomainLogger;
}) {
  const known = new Map<string, { any: boolean; at: number }>();
  let timer: ReturnType<typeof setInterval> | undefined;
  // Bumped by every notice: an answer read while one arrived may predate it and is not kept.
  let generation = 0;
  deps.changeNotices?.onNotice((n) => {
    if (n.kind !== 'relays') return;
    generation++;
    known.delete(n.schema);
  });
  deps.changeNotices?.onReset(() => {
    generation++;
    known.clear();
  });

  const hasRelays = async (db: TenantDb) => {
    const cached = known.get(db.schema);
    if (cached && (deps.changeNotices?.live || Date.now() - cached.at < RELAYS_CACHE_MS)) return cached.any;
    const asked = generation;
    const any = await deps.stores.integrations.hasRelays(db);
    if (asked === generation) known.set(db.schema, { any, at: Date.now() });
    return any;
  };

  /**
   * One message, loaded once: outgoing webhooks, then the reply to a bridged contact. Only a
   * person's live message is relayed — a bot's never (so two integrations cannot loop).
   */
  const relay = async (job: RelayJob) => {
    const db = deps.dbFor(job.schema);
    const message = await deps.stores.messages.load(db, job.messageId, 0);
    if (message?.kind !== 'user' || message.deletedAt || !message.author || message.author.bot) return;
    await deps.outgoing.deliver(db, message);
    const bridged = await deps.stores.integrations.contactOfConversation(db, job.groupId);
    if (!bridged) return;
    if (bridged.bridge === 'sms') await deps.sms.relayOut(db, bridged.contact, message);
    else await deps.whatsapp.relayOut(db, bridged.contact, message);
  };

  /** Deletes expired WhatsApp auth rows of every tenant; returns how many. */
  const cleanupAuthState = async (): Promise<number> => {
    let n = 0;
    for (const schema of await deps.tenantSchemas()) n += await deps.whatsapp.cleanup(deps.dbFor(schema));
    return n;
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

    /** The relay job a stored message needs (none when its tenant relays nothing), for the send's one enqueue. */
    async jobsAfterSend(db: TenantDb, message: { id: number; groupId: number }): Promise<JobRequest[]> {
      if (!(await hasRelays(db))) return [];
      return [
        {
          queue: INTEGRATION_QUEUES.relay,
          data: { schema: db.schema, messageId: message.id, groupId: message.groupId } satisfies RelayJob,
          key: `${db.schema}:${message.id}`,
        },
      ];
    },

    cleanupAuthState,

    async start(): Promise<void> {
      await deps.jobs.define(queues);
      await deps.jobs.work<RelayJob>(INTEGRATION_QUEUES.relay, 4, relay);
      await deps.jobs.work(INTEGRATION_QUEUES.authCleanup, 1, async () => {
        const n = await cleanupAuthState();
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
