import type { TenantDb } from '@rosterchirp/db';
import type { ObjectStorage } from '@rosterchirp/storage';
import type { Stores } from '@rosterchirp/store';
import { smallAvatarKey } from './avatar-service.ts';
import type { DomainLogger } from './context.ts';

/** By default an object younger than a day is never deleted (an upload may be about to be sent). */
const KEEP_HOURS = 24;

export interface UploadCleanupReport {
  /** Objects stored for the tenant. */
  objects: number;
  /** Of those, pointed at by a message, a picture, the logo or icon, or a recent upload. */
  inUse: number;
  /** Not pointed at, but younger than a day: kept for now. */
  recent: number;
  /** Not pointed at and older than a day: deleted (or, in a dry run, what would be). */
  orphans: string[];
  deleted: number;
}

/**
 * Deletes a tenant's stored objects that nothing points at any more and that are older than a
 * day: replaced avatars and logos, originals of cropped pictures, images uploaded but never
 * sent, thumbnails of deleted messages. Upload rows go first, then the objects, so a crash
 * mid-way leaves only unreferenced objects, which the next run deletes.
 */
export function createUploadCleanup(deps: {
  stores: Pick<Stores, 'uploads'>;
  storage: ObjectStorage;
  log: DomainLogger;
  onDeleted?: (count: number) => void;
  /** How young an object is kept even when unreferenced; default 24 h (tests: 0). */
  keepHours?: number;
}) {
  const keepHours = deps.keepHours ?? KEEP_HOURS;
  return {
    async run(db: TenantDb, opts: { dryRun: boolean }): Promise<UploadCleanupReport> {
      const objects = await deps.storage.listWithDates(`${db.schema}/`);
      const inUse = await deps.stores.uploads.keysInUse(db, keepHours);
      for (const key of [...inUse]) if (key.includes('/avatar/')) inUse.add(smallAvatarKey(key));
      const cutoff = Date.now() - keepHours * 3600_000;
      const unused = objects.filter((o) => !inUse.has(o.key));
      const orphans = unused.filter((o) => o.lastModified.getTime() < cutoff).map((o) => o.key);
      const deleting = !opts.dryRun && orphans.length > 0;
      if (deleting) {
        await deps.stores.uploads.forget(db, orphans);
        await deps.storage.deleteMany(orphans);
        deps.onDeleted?.(orphans.length);
        deps.log.info({ schema: db.schema, deleted: orphans.length }, 'unreferenced uploads deleted');
      }
      return {
        objects: objects.length,
        inUse: objects.length - unused.length,
        recent: unused.length - orphans.length,
        orphans,
        deleted: deleting ? orphans.length : 0,
      };
    },
  };
}

export type UploadCleanup = ReturnType<typeof createUploadCleanup>;
