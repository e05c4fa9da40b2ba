import type { TenantDb } from '@rosterchirp/db';
import type { GroupType, Message } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import type { DomainLogger } from '../context.ts';
import type { MessageAccess } from '../message-access.ts';
import { firstUrl } from './extract-meta.ts';
import { DEFAULT_PREVIEW_LIMITS, fetchPreview, type PreviewLimits, PreviewRefused } from './fetch-preview.ts';

const CACHE_HOURS = 24;

/**
 * After a message with a URL is stored, its first URL's preview is fetched (or taken from the
 * tenant's cache) in the background, attached to the message, and announced as message:updated.
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
    /** Fire and forget: never delays or fails the send. Resolves when done (tests wait on it). */
    attach(db: TenantDb, message: Pick<Message, 'id' | 'groupId' | 'content'>, groupType: GroupType) {
      const url = deps.enabled ? firstUrl(message.content) : null;
      if (!url) return Promise.resolve();
      return (async () => {
        if (!(await ensurePreview(db, url))) return;
        await deps.stores.messages.setPreview(db, message.id, url);
        await deps.access.announceUpdated(db, message.id, { id: message.groupId, type: groupType });
      })().catch((err: unknown) => deps.log.warn({ err, messageId: message.id }, 'link preview failed'));
    },
  };
}

export type LinkPreviewService = ReturnType<typeof createLinkPreviewService>;
