import type { TenantDb } from '@rosterchirp/db';
import type { GroupType } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import type { DomainLogger } from '../context.ts';
import type { MessageAccess } from '../message-access.ts';
import { firstUrl } from './extract-meta.ts';
import { DEFAULT_PREVIEW_LIMITS, fetchPreview, type PreviewLimits, PreviewRefused } from './fetch-preview.ts';

const CACHE_HOURS = 24;

/**
 * After a message with a URL is stored, a background job fetches its first URL's preview (or
 * takes it from the tenant's cache), attaches it to the message and announces message:updated.
 */
export function createLinkPreviewService(deps: {
  stores: Pick<Stores, 'messages' | 'linkPreviews'>;
  access: MessageAccess;
  log: DomainLogger;
  limits?: Partial<PreviewLimits>;
  enabled: boolean;
}) {
  const limits = { ...DEFAULT_PREVIEW_LIMITS, ...deps.limits };
  const inflight = new Map<string, Promise<boolean>>();

  async function ensurePreview(db: TenantDb, url: string): Promise<boolean> {
    const cached = await deps.stores.linkPreviews.fresh(db, url, CACHE_HOURS);
    if (cached !== null) return cached;
    const key = `${db.schema}|${url}`;
    let job = inflight.get(key);
    if (!job) {
      job = (async () => {
        let meta = null;
        try {
          meta = await fetchPreview(url, limits);
        } catch (err) {
          const reason = err instanceof PreviewRefused ? 'refused' : 'failed';
          deps.log.info({ url, reason, err: (err as Error).message }, 'link preview not fetched');
        }
        await deps.stores.linkPreviews.save(db, url, meta);
        return meta !== null;
      })().finally(() => inflight.delete(key));
      inflight.set(key, job);
    }
    return job;
  }

  return {
    /** The URL a message's preview would be of (none when previews are off). */
    urlToPreview: (content: string): string | null => (deps.enabled ? firstUrl(content) : null),

    /**
     * The background job's work: fetch (or reuse) the preview of `url`, attach it to the
     * message and announce message:updated. A page that cannot be previewed is remembered as
     * such; only a failure of our own (database) throws, so the job is retried.
     */
    async attach(db: TenantDb, message: { id: number; groupId: number }, groupType: GroupType, url: string) {
      if (!(await ensurePreview(db, url))) return;
      await deps.stores.messages.setPreview(db, message.id, url);
      await deps.access.announceUpdated(db, message.id, { id: message.groupId, type: groupType });
    },
  };
}

export type LinkPreviewService = ReturnType<typeof createLinkPreviewService>;
