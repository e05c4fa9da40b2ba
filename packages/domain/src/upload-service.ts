import type { TenantDb } from '@rosterchirp/db';
import type { CreateUploadBody, UploadKind, User } from '@rosterchirp/protocol';
import { isValidObjectKey, newObjectKey, type ObjectStorage } from '@rosterchirp/storage';
import { AppError, forbidden, invalid, notFound } from './app-error.ts';

export interface UploadServiceDeps {
  storage: ObjectStorage;
  maxBytes: number;
  /** How long an issued upload URL stays valid. */
  ttlSeconds?: number;
}

export interface UploadRow extends Record<string, unknown> {
  key: string;
  user_id: number;
  kind: UploadKind;
  content_type: string;
  size: number;
  status: 'pending' | 'stored';
  expires_at: Date;
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

  async function row(db: TenantDb, key: string): Promise<UploadRow | undefined> {
    const { rows } = await db.query<UploadRow>(`SELECT * FROM ${db.s}.uploads WHERE key = $1`, [key]);
    return rows[0];
  }

  return {
    /** Issues a key and a URL to PUT the bytes to (presigned on S3, the API itself on disk). */
    async issue(db: TenantDb, user: User, body: CreateUploadBody) {
      checkRequest(user, body.kind, body.size);
      const key = newObjectKey(db.schema, body.kind, body.contentType);
      const expiresAt = new Date(Date.now() + ttl * 1000);
      await db.query(
        `INSERT INTO ${db.s}.uploads (key, user_id, kind, content_type, size, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [key, user.id, body.kind, body.contentType, body.size, expiresAt],
      );
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
    ): Promise<UploadRow> {
      const upload =
        isValidObjectKey(key) && key.startsWith(`${db.schema}/`) ? await row(db, key) : undefined;
      if (!upload || upload.user_id !== user.id) throw notFound('Upload');
      if (upload.status !== 'pending' || upload.expires_at.getTime() < Date.now()) {
        throw new AppError('CONFLICT', 'This upload URL was already used or has expired; ask for a new one');
      }
      if (contentType !== upload.content_type) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the file as ${upload.content_type}`);
      }
      return upload;
    },

    async markStored(db: TenantDb, key: string, size: number): Promise<void> {
      await db.query(`UPDATE ${db.s}.uploads SET status = 'stored', size = $2 WHERE key = $1`, [key, size]);
    },

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
      await db.query(
        `INSERT INTO ${db.s}.uploads (key, user_id, kind, content_type, size, status, expires_at)
         VALUES ($1, $2, $3, $4, $5, 'stored', now())`,
        [key, user.id, kind, contentType, size],
      );
    },

    checkRequest,

    /** Throws unless `key` is an upload of `user`, of `kind`, whose bytes are in storage. */
    async assertUsable(db: TenantDb, user: User, key: string, kind: UploadKind): Promise<void> {
      const upload =
        isValidObjectKey(key) && key.startsWith(`${db.schema}/`) ? await row(db, key) : undefined;
      if (!upload || upload.user_id !== user.id || upload.kind !== kind)
        throw invalid('imageKey', 'Unknown image');
      if (upload.status === 'stored') return;
      const object = await deps.storage.get(key);
      if (!object) throw invalid('imageKey', 'The image has not been uploaded yet');
      object.body.destroy();
      await this.markStored(db, key, object.size);
    },
  };
}

export type UploadService = ReturnType<typeof createUploadService>;
