import type { TenantDb } from '@rosterchirp/db';
import {
  inQuietHours,
  type JobQueue,
  type JobRequest,
  type Preferences,
  withDefaultPreferences,
} from '@rosterchirp/protocol';
import type { EventRow, Stores } from '@rosterchirp/store';
import { DateTime } from 'luxon';
import type { DomainLogger } from '../context.ts';
import type { DeliveryOutcome, PushPayload, WebPushSender } from '../notifications/web-push-delivery.ts';
import { timingOf } from './event-input.ts';
import { nextOccurrence, occurrenceAt } from './recurrence.ts';

export const REMINDER_QUEUE = 'schedule-reminder';
export const REMINDER_SWEEP_QUEUE = 'schedule-reminder-sweep';

export interface ReminderJob {
  schema: string;
  eventId: number;
  occurrenceStart: string;
  /** The event's version when this was queued: an edit since makes it stale (a newer one exists). */
  version: string;
}

/**
 * Reminders: a push a chosen time before each occurrence. Each is one job, queued when the
 * event is written and after the previous reminder went out, to start at the reminder time and
 * keyed by event, occurrence and version — any number of instances queue it, one runs it. A
 * device is claimed before its push (`reminder_deliveries`), so a run repeated after a crash
 * never sends twice. An hourly sweep queues whatever chain an outage broke.
 */
export function createScheduleReminders(deps: {
  stores: Pick<Stores, 'schedule' | 'push'>;
  jobs: JobQueue;
  sender: WebPushSender;
  dbFor: (schema: string) => TenantDb;
  tenantSchemas: () => Promise<string[]>;
  log: DomainLogger;
  onOutcome?: (kind: DeliveryOutcome['kind']) => void;
  now?: () => Date;
}) {
  const { schedule, push } = deps.stores;
  const now = () => deps.now?.() ?? new Date();

  function jobFor(db: TenantDb, event: EventRow, after: Date): JobRequest | null {
    if (event.reminderMinutes === null) return null;
    const leadMs = event.reminderMinutes * 60_000;
    // The first occurrence whose start is still ahead of the reminder's time.
    const next = nextOccurrence(timingOf(event), new Date(Math.max(after.getTime(), now().getTime())));
    if (!next) return null;
    const remindAt = next.start.getTime() - leadMs;
    const data: ReminderJob = {
      schema: db.schema,
      eventId: event.id,
      occurrenceStart: next.start.toISOString(),
      version: event.updatedAt.toISOString(),
    };
    return {
      queue: REMINDER_QUEUE,
      data,
      key: `reminder:${db.schema}:${event.id}:${data.occurrenceStart}:${data.version}`,
      startAfterSeconds: Math.max(0, Math.ceil((remindAt - now().getTime()) / 1000)),
    };
  }

  async function queueNext(db: TenantDb, event: EventRow, after: Date): Promise<void> {
    const job = jobFor(db, event, after);
    if (job) await deps.jobs.send([job]);
  }

  function payloadFor(event: EventRow, start: Date): PushPayload {
    const local = DateTime.fromJSDate(start, { zone: event.timeZone });
    const when = event.allDay ? local.toFormat('ccc d LLL') : local.toFormat('ccc d LLL, HH:mm');
    return {
      title: event.title,
      body: [when, event.location].filter(Boolean).join(' · '),
      groupId: null,
      messageId: null,
      url: `/?event=${event.id}&at=${encodeURIComponent(start.toISOString())}`,
      tag: `event-${event.id}`,
      icon: '/icon-192.png',
    };
  }

  /** Sends one occurrence's reminder to its audience's devices (not to who said "not going"). */
  async function send(job: ReminderJob): Promise<void> {
    const db = deps.dbFor(job.schema);
    const event = await schedule.event(db, job.eventId);
    if (!event || event.updatedAt.toISOString() !== job.version) return;
    const start = new Date(job.occurrenceStart);
    if (!occurrenceAt(timingOf(event), start)) return;
    const at = now();
    const devices = (await schedule.reminderDevices(db, event, start)).filter((d) => {
      const { quietHours } = withDefaultPreferences(d.preferences as Partial<Preferences>);
      return !(quietHours && inQuietHours(quietHours, at));
    });
    const taken = await schedule.claimReminder(
      db,
      event.id,
      start,
      devices.map((d) => d.id),
    );
    const payload = payloadFor(event, start);
    let toRetry = 0;
    for (const device of devices.filter((d) => taken.has(d.id))) {
      const outcome = await deps.sender.send(device, payload, { topic: `e${event.id}` });
      deps.onOutcome?.(outcome.kind);
      if (outcome.kind === 'gone') await push.drop(db, device.id);
      if (outcome.kind === 'retry') {
        toRetry++;
        await schedule.releaseReminder(db, event.id, start, device.id);
      }
    }
    await queueNext(db, event, new Date(start.getTime() + 1));
    if (toRetry > 0) throw new Error(`event ${event.id}: ${toRetry} reminder pushes to retry`);
  }

  /** Queues the next reminder of every event that has one (idempotent: keyed). */
  async function sweep(): Promise<void> {
    for (const schema of await deps.tenantSchemas()) {
      const db = deps.dbFor(schema);
      const events = await schedule.eventsSince(db, { userId: 0, seesAll: true }, now());
      const jobs = events.flatMap((e) => jobFor(db, e, now()) ?? []);
      if (jobs.length) await deps.jobs.send(jobs);
    }
  }

  return { queueNext, send, sweep, payloadFor };
}

export type ScheduleReminders = ReturnType<typeof createScheduleReminders>;
