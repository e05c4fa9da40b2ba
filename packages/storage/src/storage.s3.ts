import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  isValidObjectKey,
  type ObjectStorage,
  type PresignedPut,
  type StoredObject,
} from './object-storage.ts';

/** S3 deletes at most this many keys per DeleteObjects request. */
const DELETE_BATCH = 1000;

export interface S3Settings {
  endpoint: string | undefined;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Public base URL of the bucket (e.g. an R2 custom domain); unset: signed GET URLs. */
  publicUrl: string | undefined;
  forcePathStyle: boolean;
}

/**
 * S3-compatible storage (AWS S3, Cloudflare R2, MinIO). Checksums are only computed when an
 * operation requires them: with the SDK's defaults, streamed bodies are framed as aws-chunked
 * and presigned PUTs carry the checksum of an empty body, which S3-compatible servers store
 * wrongly or reject (docs/CLUSTER.md invariant 9).
 */
export class S3Storage implements ObjectStorage {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    // DeleteObjects must carry a checksum; servers that predate S3's newer checksums (MinIO of
    // some versions, s3rver) accept only Content-MD5, so it is always sent as well.
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        const request = args.request as { body?: unknown; headers?: Record<string, string> };
        if (
          context.commandName === 'DeleteObjectsCommand' &&
          typeof request.body === 'string' &&
          request.headers
        ) {
          request.headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
        }
        return next(args);
      },
      { step: 'build', name: 'rosterchirpContentMd5' },
    );
  }

  browserOrigins(): string[] {
    const origins = [this.settings.endpoint, this.settings.publicUrl]
      .filter((u): u is string => u !== undefined)
      .map((u) => new URL(u).origin);
    // AWS without an endpoint: virtual-hosted bucket URLs under amazonaws.com.
    if (!this.settings.endpoint) origins.push('https://*.amazonaws.com');
    return [...new Set(origins)];
  }

  private check(key: string): string {
    if (!isValidObjectKey(key)) throw new Error(`Invalid object key "${key}"`);
    return key;
  }

  async put(key: string, body: Readable | Buffer, contentType: string): Promise<{ size: number }> {
    let size = 0;
    const counted = Buffer.isBuffer(body)
      ? body
      : body.on('data', (chunk: Buffer) => {
          size += chunk.length;
        });
    if (Buffer.isBuffer(counted)) size = counted.length;
    await new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: this.check(key), Body: counted, ContentType: contentType },
    }).done();
    return { size };
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.check(key) }),
      );
      return {
        body: res.Body as Readable,
        contentType: res.ContentType ?? 'application/octet-stream',
        size: res.ContentLength ?? 0,
      };
    } catch (err) {
      if (
        err instanceof NoSuchKey ||
        (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)
      ) {
        return null;
      }
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    // Single deletes: DeleteObjects needs Content-MD5 on some S3-compatible servers.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.check(key) }));
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH).map((key) => ({ Key: this.check(key) }));
      const result = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.settings.bucket, Delete: { Objects: batch, Quiet: true } }),
      );
      const failed = result.Errors ?? [];
      if (failed.length) {
        throw new Error(
          `${failed.length} objects not deleted (first: ${failed[0]!.Key}: ${failed[0]!.Code})`,
        );
      }
    }
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.listWithDates(prefix)).map((o) => o.key);
  }

  async listWithDates(prefix: string): Promise<Array<{ key: string; lastModified: Date }>> {
    const objects: Array<{ key: string; lastModified: Date }> = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key && isValidObjectKey(o.Key))
          objects.push({ key: o.Key, lastModified: o.LastModified ?? new Date(0) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async presignPut(
    key: string,
    contentType: string,
    size: number,
    expiresInSeconds: number,
  ): Promise<PresignedPut> {
    const command = new PutObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.check(key),
      ContentType: contentType,
      ContentLength: size,
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    return { url, headers: { 'content-type': contentType } };
  }

  async readUrl(key: string, expiresInSeconds: number): Promise<string> {
    if (this.settings.publicUrl) return `${this.settings.publicUrl.replace(/\/$/, '')}/${this.check(key)}`;
    return getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.check(key) }),
      {
        expiresIn: expiresInSeconds,
      },
    );
  }
}
