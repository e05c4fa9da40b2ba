import type { TenantDb } from '@rosterchirp/db';
import type { User } from '@rosterchirp/protocol';
import { newObjectKey, type ObjectStorage } from '@rosterchirp/storage';
import type { Stores } from '@rosterchirp/store';
import sharp from 'sharp';
import { invalid, notFound } from './app-error.ts';
import { readObject } from './read-object.ts';
import type { UploadService } from './upload-service.ts';

const MAX_SOURCE_BYTES = 10 * 1024 * 1024;
/** The stored avatar (shown in profiles) and its small sibling (lists, messages). */
export const AVATAR_SIZE = 256;
export const AVATAR_SMALL_SIZE = 64;

/** The small avatar's key: the large one's uuid under `thumb/` (`{schema}/avatar/u.webp` → `{schema}/thumb/u.webp`). */
export const smallAvatarKey = (key: string) => key.replace('/avatar/', '/thumb/');

/**
 * A square WebP of `size` px: EXIF rotation applied, first frame of animations, cropped to the
 * square around the most interesting part of the picture (sharp's attention strategy).
 */
export function makeAvatar(source: Buffer, size: number): Promise<Buffer> {
  return sharp(source, { limitInputPixels: 40_000_000, animated: false })
    .rotate()
    .resize(size, size, { fit: 'cover', position: sharp.strategy.attention })
    .webp({ quality: 82 })
    .toBuffer();
}

/**
 * Profile pictures: the person uploads any image (kind "avatar"); the server crops it square,
 * makes the two sizes, stores them under the tenant's prefix and points the profile at them.
 */
export function createAvatarService(deps: {
  storage: ObjectStorage;
  uploads: UploadService;
  stores: Pick<Stores, 'users'>;
}) {
  /** Crops the person's upload into the two sizes and stores them; the large one's key. */
  async function prepare(db: TenantDb, user: User, uploadKey: string): Promise<string> {
    await deps.uploads.assertUsable(db, user, uploadKey, 'avatar', 'avatarKey');
    const source = await readObject(deps.storage, uploadKey, MAX_SOURCE_BYTES);
    if (!source) throw invalid('avatarKey', 'The picture is missing or larger than 10 MB');
    let large: Buffer;
    let small: Buffer;
    try {
      [large, small] = await Promise.all([
        makeAvatar(source, AVATAR_SIZE),
        makeAvatar(source, AVATAR_SMALL_SIZE),
      ]);
    } catch {
      throw invalid('avatarKey', 'This file is not a picture we can read');
    }
    const avatarKey = newObjectKey(db.schema, 'avatar', 'image/webp');
    await deps.storage.put(avatarKey, large, 'image/webp');
    await deps.storage.put(smallAvatarKey(avatarKey), small, 'image/webp');
    return avatarKey;
  }

  return {
    prepare,

    async set(db: TenantDb, user: User, uploadKey: string | null): Promise<User> {
      const avatarKey = uploadKey === null ? null : await prepare(db, user, uploadKey);
      const updated = await deps.stores.users.updateProfile(db, user.id, { avatarKey });
      if (!updated) throw notFound('User');
      return updated;
    },
  };
}

export type AvatarService = ReturnType<typeof createAvatarService>;
