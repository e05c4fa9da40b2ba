import type { TenantDb } from '@rosterchirp/db';
import type { GroupType } from '@rosterchirp/protocol';
import { newObjectKey, type ObjectStorage } from '@rosterchirp/storage';
import type { Stores } from '@rosterchirp/store';
import sharp from 'sharp';
import type { DomainLogger } from './context.ts';
import type { MessageAccess } from './message-access.ts';
import { readObject } from './read-object.ts';

const MAX_SOURCE_BYTES = 25 * 1024 * 1024;
export const THUMB_WIDTH = 480;

/** A WebP at most 480 px wide (never enlarged), first frame of animations, EXIF rotation applied. */
export async function makeThumbnail(source: Buffer): Promise<Buffer> {
  return sharp(source, { limitInputPixels: 40_000_000, animated: false })
    .rotate()
    .resize({ width: THUMB_WIDTH, height: THUMB_WIDTH * 2, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 78 })
    .toBuffer();
}

/**
 * After an image message is stored, a background job makes its thumbnail, stores it under
 * `{schema}/thumb/…`, and announced with message:updated. A file that is not really an image
 * gets no thumbnail (and the client keeps showing the original link).
 */
export function createThumbnailService(deps: {
  storage: ObjectStorage;
  stores: Pick<Stores, 'messages'>;
  access: MessageAccess;
  log: DomainLogger;
}) {
  const read = (key: string) => readObject(deps.storage, key, MAX_SOURCE_BYTES);

  return {
    /**
     * The background job's work. A file that is not really an image gets no thumbnail (and is
     * not retried); a storage or database failure throws, so the job is retried.
     */
    async attach(
      db: TenantDb,
      message: { id: number; groupId: number },
      groupType: GroupType,
      imageKey: string,
    ): Promise<void> {
      const source = await read(imageKey);
      if (!source) return;
      let thumb: Buffer;
      try {
        thumb = await makeThumbnail(source);
      } catch (err) {
        deps.log.warn({ err: (err as Error).message, messageId: message.id }, 'thumbnail not made');
        return;
      }
      const key = newObjectKey(db.schema, 'thumb', 'image/webp');
      await deps.storage.put(key, thumb, 'image/webp');
      await deps.stores.messages.setThumb(db, message.id, key);
      await deps.access.announceUpdated(db, message.id, { id: message.groupId, type: groupType });
    },
  };
}

export type ThumbnailService = ReturnType<typeof createThumbnailService>;
