import type { TenantDb } from '@rosterchirp/db';
import type { GroupType, JobQueue, JobRequest, QueueDefinition } from '@rosterchirp/protocol';
import type { DomainLogger } from './context.ts';
import type { LinkPreviewService } from './link-preview/link-preview-service.ts';
import type { createPushFanout, PushFanoutJob } from './notifications/push-fanout.ts';
import {
  REMINDER_QUEUE,
  REMINDER_SWEEP_QUEUE,
  type ReminderJob,
  type ScheduleReminders,
} from './schedule/schedule-reminders.ts';
import type { ThumbnailService } from './thumbnail-service.ts';
import type { UploadCleanup } from './upload-cleanup.ts';

/** The project's background work, all on the one job queue (docs/ARCHITECTURE.md, "Jobs"). */
export const QUEUES = {
  pushFanout: 'push-fanout',
  linkPreview: 'link-preview',
  thumbnail: 'thumbnail',
  uploadCleanup: 'upload-cleanup',
  reminder: REMINDER_QUEUE,
  reminderSweep: REMINDER_SWEEP_QUEUE,
} as const;

/** Every instance asks for a reminder sweep this often (one runs per period). */
const REMINDER_SWEEP_MS = 3600_000;

interface MessageJob {
  schema: string;
  messageId: number;
  groupId: number;
  groupType: GroupType;
}
type PreviewJob = MessageJob & { url: string };
type ThumbnailJob = MessageJob & { imageKey: string };

export interface BackgroundJobOptions {
  /** A job whose worker went silent this long is handed to another (its instance died). */
  leaseSeconds: number;
  /** How often unreferenced uploads are cleaned up (one job per period, whichever instance); 0: never. */
  uploadCleanupHours: number;
}

/** Per instance: how many jobs of each queue run at once. */
const CONCURRENCY = { pushFanout: 2, linkPreview: 4, thumbnail: 2, reminder: 2 };

export function createBackgroundJobs(deps: {
  jobs: JobQueue;
  options: BackgroundJobOptions;
  previews: LinkPreviewService;
  thumbnails: ThumbnailService;
  pushFanout: ReturnType<typeof createPushFanout>;
  uploadCleanup: UploadCleanup;
  reminders: ScheduleReminders;
  dbFor: (schema: string) => TenantDb;
  /** Every tenant's schema (self-host: public; host mode: the catalog). */
  tenantSchemas: () => Promise<string[]>;
  log: DomainLogger;
}) {
  const lease = deps.options.leaseSeconds;
  const queues: QueueDefinition[] = [
    { name: QUEUES.pushFanout, retryLimit: 5, retryDelaySeconds: 5, expireInSeconds: lease },
    { name: QUEUES.linkPreview, retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: lease },
    { name: QUEUES.thumbnail, retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: lease },
    {
      name: QUEUES.uploadCleanup,
      retryLimit: 2,
      retryDelaySeconds: 60,
      expireInSeconds: Math.max(lease, 600),
    },
    { name: QUEUES.reminder, retryLimit: 5, retryDelaySeconds: 10, expireInSeconds: lease },
    {
      name: QUEUES.reminderSweep,
      retryLimit: 2,
      retryDelaySeconds: 60,
      expireInSeconds: Math.max(lease, 600),
    },
  ];
  let cleanupTimer: ReturnType<typeof setInterval> | undefined;
  let sweepTimer: ReturnType<typeof setInterval> | undefined;

  /** One reminder sweep per hour for the whole deployment (keyed by the hour). */
  const requestSweep = async () => {
    const period = Math.floor(Date.now() / REMINDER_SWEEP_MS);
    await deps.jobs
      .send([{ queue: QUEUES.reminderSweep, data: { period }, key: `reminder-sweep:${period}` }])
      .catch((err: unknown) => deps.log.warn({ err }, 'reminder sweep not scheduled'));
  };

  /**
   * One cleanup job per period for the whole deployment: every instance asks, keyed by the
   * period's number, so the queue keeps one and one instance runs it.
   */
  const requestCleanup = async () => {
    const periodMs = deps.options.uploadCleanupHours * 3600_000;
    const period = Math.floor(Date.now() / periodMs);
    await deps.jobs
      .send([{ queue: QUEUES.uploadCleanup, data: { period }, key: `upload-cleanup:${period}` }])
      .catch((err: unknown) => deps.log.warn({ err }, 'upload cleanup not scheduled'));
  };

  return {
    queues,

    /**
     * What a stored message needs done in the background, enqueued in one round trip. Keyed by
     * the message: a retried send enqueues again and nothing is done twice.
     */
    async afterSend(
      db: TenantDb,
      message: { id: number; groupId: number; content: string },
      groupType: GroupType,
      imageKey: string | null,
      /** Other features' jobs for the same message (integrations' relay), sent in the same trip. */
      more: JobRequest[] = [],
    ): Promise<void> {
      const base: MessageJob = {
        schema: db.schema,
        messageId: message.id,
        groupId: message.groupId,
        groupType,
      };
      const jobs: JobRequest[] = [
        {
          queue: QUEUES.pushFanout,
          data: { schema: db.schema, messageId: message.id } satisfies PushFanoutJob,
          key: `${db.schema}:${message.id}`,
        },
      ];
      const url = deps.previews.urlToPreview(message.content);
      if (url)
        jobs.push({ queue: QUEUES.linkPreview, data: { ...base, url }, key: `${db.schema}:${message.id}` });
      if (imageKey)
        jobs.push({
          queue: QUEUES.thumbnail,
          data: { ...base, imageKey },
          key: `${db.schema}:${message.id}`,
        });
      await deps.jobs.send([...jobs, ...more]);
    },

    /** Queues the next reminder of every event that has one now (the hourly sweep's work). */
    sweepReminders: () => deps.reminders.sweep(),

    /** Defines the queues and starts this instance's workers. */
    async start(): Promise<void> {
      await deps.jobs.define(queues);
      const message = (job: MessageJob) => ({ id: job.messageId, groupId: job.groupId });
      await deps.jobs.work<PushFanoutJob>(QUEUES.pushFanout, CONCURRENCY.pushFanout, deps.pushFanout);
      await deps.jobs.work<PreviewJob>(QUEUES.linkPreview, CONCURRENCY.linkPreview, (job) =>
        deps.previews.attach(deps.dbFor(job.schema), message(job), job.groupType, job.url),
      );
      await deps.jobs.work<ThumbnailJob>(QUEUES.thumbnail, CONCURRENCY.thumbnail, (job) =>
        deps.thumbnails.attach(deps.dbFor(job.schema), message(job), job.groupType, job.imageKey),
      );
      await deps.jobs.work(QUEUES.uploadCleanup, 1, async () => {
        for (const schema of await deps.tenantSchemas()) {
          await deps.uploadCleanup.run(deps.dbFor(schema), { dryRun: false });
        }
      });
      await deps.jobs.work<ReminderJob>(QUEUES.reminder, CONCURRENCY.reminder, deps.reminders.send);
      await deps.jobs.work(QUEUES.reminderSweep, 1, deps.reminders.sweep);
      await requestSweep();
      sweepTimer = setInterval(() => void requestSweep(), REMINDER_SWEEP_MS);
      sweepTimer.unref();
      if (deps.options.uploadCleanupHours > 0) {
        await requestCleanup();
        cleanupTimer = setInterval(
          () => void requestCleanup(),
          Math.min(deps.options.uploadCleanupHours * 3600_000, 3600_000),
        );
        cleanupTimer.unref();
      }
    },

    stop(): void {
      clearInterval(cleanupTimer);
      clearInterval(sweepTimer);
    },
  };
}

export type BackgroundJobs = ReturnType<typeof createBackgroundJobs>;
