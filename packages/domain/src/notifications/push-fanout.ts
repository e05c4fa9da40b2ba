import type { TenantDb } from '@rosterchirp/db';
import { type JobContext, RetryLater, type ViewingStore } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import type { DomainLogger } from '../context.ts';
import { messageNotification } from './message-notification.ts';
import { createPacer } from './pacer.ts';
import type { DeliveryOutcome, PushTarget, WebPushSender } from './web-push-delivery.ts';
import { wantsNotification } from './who-is-notified.ts';

export interface PushFanoutJob {
  schema: string;
  messageId: number;
}

export interface PushFanoutDeps {
  stores: Pick<Stores, 'push'>;
  viewing: ViewingStore;
  sender: WebPushSender;
  dbFor: (schema: string) => TenantDb;
  log: DomainLogger;
  /** Pushes in flight at once per job. */
  concurrency: number;
  /** Pushes started per second by this instance, all jobs together. */
  ratePerSecond: number;
  /** The job lease: a claim older than this (its worker died) may be taken again. */
  leaseSeconds: number;
  onOutcome?: (kind: DeliveryOutcome['kind']) => void;
  now?: () => Date;
}

/** Devices claimed per statement. */
const CLAIM_BATCH = 64;

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
  const pacer = createPacer(deps.ratePerSecond);
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
    // Lanes take claimed devices from `ready`; whichever lane finds it empty claims the next
    // batch in one statement (the others wait for that claim, never start a second).
    const unclaimed = [...targets];
    const ready: typeof targets = [];
    let claiming: Promise<void> | null = null;
    const succeeded: number[] = [];
    const next = async () => {
      while (ready.length === 0 && unclaimed.length > 0) {
        claiming ??= (async () => {
          const batch = unclaimed.splice(0, CLAIM_BATCH);
          const taken = await push.claim(
            db,
            message.id,
            batch.map((t) => t.subscriptionId),
            deps.leaseSeconds,
          );
          for (const t of batch) {
            if (taken.has(t.subscriptionId)) ready.push(t);
            else heldElsewhere++;
          }
        })().finally(() => {
          claiming = null;
        });
        await claiming;
      }
      return ready.shift();
    };
    const deliver = async (target: PushTarget & { subscriptionId: number }) => {
      await pacer.take();
      const outcome = await deps.sender.send(target, payload, { topic: `g${message.groupId}` });
      deps.onOutcome?.(outcome.kind);
      switch (outcome.kind) {
        case 'sent':
          await push.markSent(db, message.id, target.subscriptionId);
          succeeded.push(target.subscriptionId);
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
    };
    const lane = async () => {
      for (let target = await next(); target; target = await next()) await deliver(target);
    };
    await Promise.all(Array.from({ length: Math.min(deps.concurrency, targets.length) }, lane));
    await push.recordSuccesses(db, succeeded);
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
