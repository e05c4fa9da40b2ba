import type { TenantDb } from '@rosterchirp/db';
import type { CreateUploadBody, UploadKind, User } from '@rosterchirp/protocol';
import { isValidObjectKey, newObjectKey, type ObjectStorage } from '@rosterchirp/storage';
import type { Stores, Upload } from '@rosterchirp/store';
import { AppError, forbidden, invalid, notFound } from './app-error.ts';

export interface UploadServiceDeps {
  stores: Pick<Stores, 'uploads'>;
  storage: ObjectStorage;
  maxBytes: number;
  /** How long an issued upload URL stays valid. */
  ttlSeconds?: number;
}

/**
 * Uploads go to object storage under `{schema}/{kind}/{uuid}.{ext}`; the `uploads` table records
 * who may use a key, so a message can only show an image its author uploaded.
 */
export function createUploadService(deps: UploadServiceDeps) {
  const ttl = deps.ttlSeconds ?? 900;

  function checkRequest(user: User, kind: UploadKind, size: number) {
    if (size > deps.maxBytes) {
      throw new AppError('TOO_LARGE', `Images may be at most ${Math.floor(deps.maxBytes / 1048576)} MB`, {
        field: 'size',
        maxBytes: deps.maxBytes,
      });
    }
    if (kind === 'logo' && user.role !== 'admin') throw forbidden('Only admins can upload a logo');
  }

  const { uploads } = deps.stores;
  /** Only keys of this tenant are ever looked up. */
  const ownKey = (db: TenantDb, key: string) => isValidObjectKey(key) && key.startsWith(`${db.schema}/`);

  return {
    /** Issues a key and a URL to PUT the bytes to (presigned on S3, the API itself on disk). */
    async issue(db: TenantDb, user: User, body: CreateUploadBody) {
      checkRequest(user, body.kind, body.size);
      const key = newObjectKey(db.schema, body.kind, body.contentType);
      const expiresAt = new Date(Date.now() + ttl * 1000);
      await uploads.addPending(db, {
        key,
        userId: user.id,
        kind: body.kind,
        contentType: body.contentType,
        size: body.size,
        expiresAt,
      });
      const presigned = await deps.storage.presignPut(key, body.contentType, body.size, ttl);
      return {
        key,
        uploadUrl: presigned?.url ?? `/api/uploads/${key}`,
        method: 'PUT' as const,
        headers: presigned?.headers ?? { 'content-type': body.contentType },
        expiresAt: expiresAt.toISOString(),
      };
    },

    /** The pending upload `user` may PUT to `key` with this content type. */
    async pendingFor(
      db: TenantDb,
      user: User,
      key: string,
      contentType: string | undefined,
    ): Promise<Upload> {
      const upload = ownKey(db, key) ? await uploads.get(db, key) : null;
      if (!upload || upload.userId !== user.id) throw notFound('Upload');
      if (upload.status !== 'pending' || upload.expiresAt.getTime() < Date.now()) {
        throw new AppError('CONFLICT', 'This upload URL was already used or has expired; ask for a new one');
      }
      if (contentType !== upload.contentType) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the file as ${upload.contentType}`);
      }
      return upload;
    },

    markStored: (db: TenantDb, key: string, size: number): Promise<void> => uploads.markStored(db, key, size),

    /** Records an upload the server streamed itself (multipart). */
    async recordStored(
      db: TenantDb,
      user: User,
      key: string,
      kind: UploadKind,
      contentType: string,
      size: number,
    ) {
      checkRequest(user, kind, size);
      await uploads.addStored(db, { key, userId: user.id, kind, contentType, size });
    },

    checkRequest,

    /** Throws unless `key` is an upload of `user`, of `kind`, whose bytes are in storage. */
    async assertUsable(
      db: TenantDb,
      user: User,
      key: string,
      kind: UploadKind,
      field = 'imageKey',
    ): Promise<void> {
      const upload = ownKey(db, key) ? await uploads.get(db, key) : null;
      if (!upload || upload.userId !== user.id || upload.kind !== kind) throw invalid(field, 'Unknown image');
      if (upload.status === 'stored') return;
      const object = await deps.storage.get(key);
      if (!object) throw invalid(field, 'The image has not been uploaded yet');
      object.body.destroy();
      await uploads.markStored(db, key, object.size);
    },
  };
}

export type UploadService = ReturnType<typeof createUploadService>;
