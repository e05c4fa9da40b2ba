import type { TenantDb } from '@rosterchirp/db';
import { type JobContext, RetryLater, type ViewingStore } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import type { DomainLogger } from '../context.ts';
import { eachLimited } from './each-limited.ts';
import { messageNotification } from './message-notification.ts';
import { type DeliveryOutcome, type PushKeys, sendWebPush } from './web-push-delivery.ts';
import { wantsNotification } from './who-is-notified.ts';

export interface PushFanoutJob {
  schema: string;
  messageId: number;
}

export interface PushFanoutDeps {
  stores: Pick<Stores, 'push'>;
  viewing: ViewingStore;
  keys: PushKeys;
  dbFor: (schema: string) => TenantDb;
  log: DomainLogger;
  /** Pushes in flight at once per job. */
  concurrency: number;
  /** The job lease: a claim older than this (its worker died) may be taken again. */
  leaseSeconds: number;
  onOutcome?: (kind: DeliveryOutcome['kind']) => void;
  now?: () => Date;
}

/** Deliveries are forgotten after two days (a retried job is long finished by then). */
const DELIVERY_MEMORY_HOURS = 48;

/**
 * The job behind one sent message: who is notified (who-is-notified.ts), minus whoever is
 * looking at the conversation right now, then one push per device with bounded concurrency.
 * Each device is claimed before its push and marked sent after, so a job run again (its worker
 * died, or some pushes failed) sends only what was not sent, and two runs never send the same.
 * Failures worth a retry fail the job (the queue retries with backoff) or, when a push service
 * asked for it, bring it back after its `Retry-After`.
 */
export function createPushFanout(deps: PushFanoutDeps) {
  const { push } = deps.stores;
  return async function fanOut(job: PushFanoutJob, _context: JobContext): Promise<void> {
    const db = deps.dbFor(job.schema);
    const message = await push.messageForPush(db, job.messageId);
    if (!message || message.deleted || message.system) return;
    const now = deps.now?.() ?? new Date();
    const wanted = (await push.candidates(db, message, deps.leaseSeconds)).filter((c) =>
      wantsNotification(c, message, now),
    );
    if (wanted.length === 0) return;
    const looking = await deps.viewing.viewers(job.schema, message.groupId, [
      ...new Set(wanted.map((c) => c.userId)),
    ]);
    const unseen = wanted.filter((c) => !looking.has(c.userId));
    // Devices another run claimed within the lease: maybe sent, maybe its worker died mid-push.
    // Come back when the claim has lapsed and look again.
    let heldElsewhere = unseen.filter((c) => c.held).length;
    const targets = unseen.filter((c) => !c.held);
    const payload = messageNotification(message);
    let toRetry = 0;
    let retryAfter: number | null = null;
    await eachLimited(targets, deps.concurrency, async (target) => {
      if (!(await push.claim(db, message.id, target.subscriptionId, deps.leaseSeconds))) {
        heldElsewhere++;
        return;
      }
      const outcome = await sendWebPush(deps.keys, target, payload, { topic: `g${message.groupId}` });
      deps.onOutcome?.(outcome.kind);
      switch (outcome.kind) {
        case 'sent':
          await push.markSent(db, message.id, target.subscriptionId);
          return;
        case 'gone':
          await push.drop(db, target.subscriptionId);
          return;
        case 'retry':
          toRetry++;
          if (outcome.retryAfterSeconds !== null)
            retryAfter = Math.max(retryAfter ?? 0, outcome.retryAfterSeconds);
          await push.release(db, message.id, target.subscriptionId);
          await push.recordError(db, target.subscriptionId, outcome.error);
          return;
        case 'refused':
          // Done: a push service that refuses this payload would refuse it again.
          await push.markDone(db, message.id, target.subscriptionId);
          await push.recordError(db, target.subscriptionId, outcome.error);
          deps.log.warn({ schema: job.schema, error: outcome.error }, 'push refused');
          return;
      }
    });
    if (job.messageId % 500 === 0) await push.pruneDeliveries(db, DELIVERY_MEMORY_HOURS);
    if (toRetry > 0 || heldElsewhere > 0) {
      const reason = `message ${message.id}: ${toRetry} pushes to retry, ${heldElsewhere} claimed by another run`;
      if (toRetry === 0) throw new RetryLater(deps.leaseSeconds, reason);
      if (retryAfter !== null)
        throw new RetryLater(Math.max(retryAfter, heldElsewhere ? deps.leaseSeconds : 0), reason);
      throw new Error(reason);
    }
  };
}
