import type { TenantDb } from '@rosterchirp/db';
import type { EventBus, GroupType, Message } from '@rosterchirp/protocol';
import type { DomainLogger } from '../context.ts';
import { announceUpdated } from '../message-access.ts';
import { firstUrl } from './extract-meta.ts';
import { DEFAULT_PREVIEW_LIMITS, fetchPreview, type PreviewLimits, PreviewRefused } from './fetch-preview.ts';

const CACHE_HOURS = 24;

/**
 * After a message with a URL is stored, its first URL's preview is fetched (or taken from the
 * tenant's cache) in the background, attached to the message, and announced as message:updated.
 */
export function createLinkPreviewService(deps: {
  bus: EventBus;
  log: DomainLogger;
  limits?: Partial<PreviewLimits>;
  enabled: boolean;
}) {
  const limits = { ...DEFAULT_PREVIEW_LIMITS, ...deps.limits };
  const inflight = new Map<string, Promise<boolean>>();

  async function ensurePreview(db: TenantDb, url: string): Promise<boolean> {
    const cached = await db.query<{ ok: boolean }>(
      `SELECT ok FROM ${db.s}.link_previews WHERE url = $1 AND fetched_at > now() - interval '${CACHE_HOURS} hours'`,
      [url],
    );
    if (cached.rows[0]) return cached.rows[0].ok;
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
        await db.query(
          `INSERT INTO ${db.s}.link_previews (url, title, description, image_url, ok) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (url) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
             image_url = EXCLUDED.image_url, ok = EXCLUDED.ok, fetched_at = now()`,
          [url, meta?.title ?? null, meta?.description ?? null, meta?.image ?? null, meta !== null],
        );
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
        await db.query(`UPDATE ${db.s}.messages SET preview_url = $2 WHERE id = $1 AND deleted_at IS NULL`, [
          message.id,
          url,
        ]);
        await announceUpdated(db, deps.bus, message.id, { id: message.groupId, type: groupType });
      })().catch((err: unknown) => deps.log.warn({ err, messageId: message.id }, 'link preview failed'));
    },
  };
}

export type LinkPreviewService = ReturnType<typeof createLinkPreviewService>;
